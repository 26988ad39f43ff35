import { exchangeAcceptedDomains, exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import type { InboundConnector } from '../../adapters/exchange/types.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { acceptedDomainFor, certificateDomain } from './shared/certificates.js';
import { type ExtraRange, ipCoverage, type NarrowingChange, narrowingChanges, relayConnectors } from './shared/connectors.js';
import { psList, psQuote } from './shared/powershell.js';

const DEFAULT_NAME = 'Twenty20 ERP relay';

interface CertificateAdmission {
  connector: string;
  TlsSenderCertificateName: string;
  domain: string | null;
  /** The accepted domain the certificate's domain belongs to; null when none. */
  acceptedDomain: string | null;
}

/**
 * Step 1, how the connector recognises the ERP: by a certificate for one of the tenant's accepted
 * domains (what Microsoft recommends since MC1226222), or by its egress IPs in `SenderIPAddresses`
 * (CIDR- and range-aware). Entries the config does not know are a warning: a stale whitelist lets
 * whoever now holds that address relay mail as the organization.
 */
export const exchangeConnectorIpsCheck = defineCheck({
  meta: {
    id: 'exchange-connector-ips',
    title: "Connector admits the ERP's IP addresses",
    area: 'exchange',
    severity: 'critical',
    dependsOn: ['exchange-connector'],
    sources: [exchangeInboundConnectors, exchangeAcceptedDomains],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./exchange-connector-ips.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const connectors = relayConnectors(snapshot.get(exchangeInboundConnectors), ctx.tenant.connector);
    const egress = ctx.tenant.erpEgressIps;
    const byIp = connectors.filter((c) => !c.TlsSenderCertificateName || c.SenderIPAddresses.length > 0);
    const coverage = ipCoverage(egress, byIp);
    const certificates = certificateAdmissions(
      connectors,
      connectors.some((c) => c.TlsSenderCertificateName) ? snapshot.get(exchangeAcceptedDomains) : [],
    );
    const names = connectors.map((c) => `"${c.Name}"`).join(', ');
    const target = byIp[0] ?? connectors[0];
    const identity = psQuote(target?.Identity ?? ctx.tenant.connector ?? DEFAULT_NAME);
    const observed = {
      connectors: connectors.map((c) => ({
        Name: c.Name,
        SenderIPAddresses: c.SenderIPAddresses,
        TlsSenderCertificateName: c.TlsSenderCertificateName,
        RequireTls: c.RequireTls ?? null,
        ConnectorSource: c.ConnectorSource,
      })),
      erpEgressIps: egress,
      missing: coverage.missing,
      extra: coverage.extra,
      invalid: coverage.invalid,
      certificates,
    };
    const expected: Record<string, unknown> = { SenderIPAddresses: egress };
    if (certificates.length > 0) expected.TlsSenderCertificateName = 'a name in an accepted domain (instead of the IPs)';
    const resource = { kind: 'InboundConnector', id: target?.Identity, name: target?.Name };
    const admittedByCertificate = certificates.find((c) => c.acceptedDomain !== null);

    if (!admittedByCertificate && coverage.missing.length > 0) {
      const foreign = certificates[0];
      if (foreign) {
        return {
          status: 'fail',
          detail: `Inbound connector "${foreign.connector}" admits servers presenting a certificate for ${foreign.TlsSenderCertificateName}, but ${foreign.domain ?? 'that name'} is not an accepted domain of the tenant; expected a certificate name in one of its accepted domains (or the ERP's egress IPs). Exchange Online refuses the ERP's relay with 550 5.7.64 TenantAttribution; Relay Access Denied — the first cause Microsoft lists for it is a certificate renewed under another name.`,
          observed,
          expected,
          resource: { kind: 'InboundConnector', name: foreign.connector },
          remediation: {
            manual: `Give the ERP a certificate for a name in ${ctx.tenant.domain} (or another accepted domain), then Exchange admin center → Mail flow → Connectors → "${foreign.connector}" → Edit sent email identity → the certificate's subject name → Save.`,
            command: `Set-InboundConnector -Identity ${psQuote(foreign.connector)} -TlsSenderCertificateName ${psQuote(`*.${ctx.tenant.domain}`)} -RequireTls $true`,
          },
          cause: {
            code: '5.7.64',
            checkId: 'exchange-connector-ips',
            explanation:
              "The connector's certificate name is not an accepted domain of the tenant, so Exchange Online does not attribute the ERP's mail to your tenant (typically after a certificate renewal under another name).",
            fix: `Use a certificate for a name in ${ctx.tenant.domain} and set it as the connector's TlsSenderCertificateName.`,
          },
        };
      }
      return {
        status: 'fail',
        detail: `SenderIPAddresses of ${names} do not admit ${coverage.missing.join(', ')}, the ERP's egress IP${coverage.missing.length > 1 ? 's' : ''} in the config; expected every ERP egress IP to be in the list. Mail the ERP sends from there is refused with 550 5.7.64 TenantAttribution; Relay Access Denied.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `Exchange admin center → Mail flow → Connectors → ${names} → Edit sent email identity → add ${coverage.missing.join(', ')} to the IP addresses → Save.`,
          command: `Set-InboundConnector -Identity ${identity} -SenderIPAddresses @{Add=${psList(coverage.missing)}}`,
        },
        cause: {
          code: '5.7.64',
          checkId: 'exchange-connector-ips',
          explanation:
            "The ERP's egress IP is not in the connector, so Exchange Online does not attribute its mail to your tenant and refuses to relay it.",
          fix: `Add ${coverage.missing.join(', ')} to the connector's SenderIPAddresses.`,
        },
      };
    }
    if (coverage.extra.length > 0 || coverage.invalid.length > 0) {
      const changes = narrowingChanges(egress, byIp, coverage.extra);
      const invalid = coverage.invalid.length > 0 ? ` It also holds entries that are not addresses: ${coverage.invalid.join(', ')}.` : '';
      const certificate = admittedByCertificate
        ? ` (The ERP itself is admitted by its certificate, ${admittedByCertificate.TlsSenderCertificateName}.)`
        : '';
      return {
        status: 'warn',
        detail: `Every ERP egress IP is admitted, but SenderIPAddresses also admit ${coverage.extra.length > 0 ? coverage.extra.map(describeExtra).join(', ') : 'nothing else'}, which the config does not list as ERP egress IPs; expected only ${egress.join(', ')}. A stale entry lets whoever now sends from that address relay mail as your organization.${invalid}${certificate}`,
        observed,
        expected,
        resource,
        remediation: {
          manual:
            changes.length > 0
              ? `If the addresses are no longer the ERP's: Exchange admin center → Mail flow → Connectors → ${changes.map(manualStep).join('; ')} → Save. If they are, add them to tenants[].erpEgressIps in the config.`
              : `Exchange admin center → Mail flow → Connectors → ${names} → Edit sent email identity → correct the entries that are not addresses → Save.`,
          command: changes.length > 0 ? changes.map(narrowingCommand).join('; ') : undefined,
        },
      };
    }
    if (admittedByCertificate) {
      return {
        status: 'pass',
        detail: `Inbound connector "${admittedByCertificate.connector}" admits the ERP by certificate: servers presenting a certificate for ${admittedByCertificate.TlsSenderCertificateName} over TLS, and ${admittedByCertificate.domain} belongs to the accepted domain ${admittedByCertificate.acceptedDomain}, as Microsoft recommends (MC1226222); the ERP's egress IP does not matter then.`,
        observed,
        expected,
        resource: { kind: 'InboundConnector', name: admittedByCertificate.connector },
      };
    }
    return {
      status: 'pass',
      detail: `${names} admit${connectors.length === 1 ? 's' : ''} exactly the ERP's egress IPs (${egress.join(', ')}).`,
      observed,
      expected,
      resource,
    };
  },
});

function certificateAdmissions(
  connectors: readonly InboundConnector[],
  accepted: Parameters<typeof acceptedDomainFor>[1],
): CertificateAdmission[] {
  return connectors.flatMap((c) => {
    if (!c.TlsSenderCertificateName) return [];
    const domain = certificateDomain(c.TlsSenderCertificateName) ?? null;
    const acceptedDomain = domain ? (acceptedDomainFor(domain, accepted)?.DomainName ?? null) : null;
    return [{ connector: c.Name, TlsSenderCertificateName: c.TlsSenderCertificateName, domain, acceptedDomain }];
  });
}

function describeExtra(e: ExtraRange): string {
  const count = `${e.addresses} address${e.addresses === '1' ? '' : 'es'}`;
  return `${e.entry} in "${e.connector}" (${e.admitsErp ? `${count} besides the ERP's own` : count})`;
}

function manualStep(change: NarrowingChange): string {
  const add = change.add.length > 0 ? `add ${change.add.join(', ')}, then ` : '';
  return `"${change.connector.Name}" → Edit sent email identity → ${add}remove ${change.remove.join(', ')}`;
}

/** One Set-InboundConnector per connector: the ERP's addresses added and the range removed together. */
function narrowingCommand(change: NarrowingChange): string {
  const parts = [...(change.add.length > 0 ? [`Add=${psList(change.add)}`] : []), `Remove=${psList(change.remove)}`];
  return `Set-InboundConnector -Identity ${psQuote(change.connector.Identity)} -SenderIPAddresses @{${parts.join('; ')}}`;
}
