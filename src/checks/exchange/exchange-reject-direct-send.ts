import { exchangeAcceptedDomains, exchangeInboundConnectors, exchangeOrganizationConfig } from '../../adapters/exchange/sources.js';
import type { InboundConnector } from '../../adapters/exchange/types.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { acceptedDomainFor, certificateDomain } from './shared/certificates.js';
import { ipCoverage, namedConnector } from './shared/connectors.js';
import { psList, psQuote } from './shared/powershell.js';

/**
 * `RejectDirectSend` (GA September 2025) against the connector: when on, anonymous mail whose
 * sender is in one of your domains is refused with 550 5.7.68 unless a connector matches the
 * sending server. Off is a pass: the ERP is unaffected (the spoofing side is for DMARC).
 */
export const exchangeRejectDirectSendCheck = defineCheck({
  meta: {
    id: 'exchange-reject-direct-send',
    title: 'Reject Direct Send vs. the ERP connector',
    area: 'exchange',
    severity: 'high',
    dependsOn: [],
    sources: [exchangeOrganizationConfig, exchangeInboundConnectors, exchangeAcceptedDomains],
    fixable: false,
    watched: false,
  },
  explainFile: new URL('./exchange-reject-direct-send.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const config = snapshot.get(exchangeOrganizationConfig);
    const all = snapshot.get(exchangeInboundConnectors);
    const enabled = all.filter((c) => c.Enabled);
    const onPremises = all.filter((c) => c.ConnectorType === 'OnPremises');
    const relay = ctx.tenant.connector ? namedConnector(all, ctx.tenant.connector) : (onPremises.find((c) => c.Enabled) ?? onPremises[0]);
    const egress = ctx.tenant.erpEgressIps;
    const coverage = ipCoverage(egress, enabled);
    const observed = {
      RejectDirectSend: config.RejectDirectSend,
      enabledConnectors: enabled.map((c) => ({ Name: c.Name, ConnectorType: c.ConnectorType, SenderIPAddresses: c.SenderIPAddresses })),
      erpEgressIps: egress,
      notMatched: coverage.missing,
    };
    const resource = { kind: 'OrganizationConfig', name: config.Identity ?? 'OrganizationConfig' };
    if (!config.RejectDirectSend) {
      return {
        status: 'pass',
        detail:
          'RejectDirectSend is off, so it cannot block the ERP\'s mail. Anyone may still send anonymous mail "from" your domain to your users (direct send); DMARC (see dns-dmarc) is what limits that spoofing, and RejectDirectSend can be turned on safely while the ERP\'s connector matches it.',
        observed,
        expected: { RejectDirectSend: 'false, or true with a connector matching the ERP' },
        resource,
      };
    }
    const byCertificate = enabled.find((c) => {
      const domain =
        c.ConnectorType === 'OnPremises' && c.TlsSenderCertificateName ? certificateDomain(c.TlsSenderCertificateName) : undefined;
      return domain !== undefined && acceptedDomainFor(domain, snapshot.get(exchangeAcceptedDomains)) !== undefined;
    });
    if (byCertificate) {
      return {
        status: 'pass',
        detail: `RejectDirectSend is on and the enabled connector "${byCertificate.Name}" recognises the ERP by its certificate (${byCertificate.TlsSenderCertificateName}, in an accepted domain), so the ERP's mail is attributed to the tenant and not refused.`,
        observed: { ...observed, certificateConnector: byCertificate.Name },
        expected: { RejectDirectSend: true, connectorMatchesErp: true },
        resource,
      };
    }
    if (coverage.missing.length === 0) {
      return {
        status: 'pass',
        detail: `RejectDirectSend is on and an enabled connector matches every ERP egress IP (${egress.join(', ')}), so the ERP's mail is attributed to the tenant and not refused.`,
        observed,
        expected: { RejectDirectSend: true, connectorMatchesErp: true },
        resource,
      };
    }
    return {
      status: 'fail',
      detail: `RejectDirectSend is true but no enabled inbound connector matches ${coverage.missing.join(', ')}; expected a connector whose SenderIPAddresses admit every ERP egress IP. Mail the ERP sends as your domain is refused with 550 5.7.68 TenantInboundAttribution; Direct Send not allowed.`,
      observed,
      expected: { RejectDirectSend: true, connectorMatchesErp: true },
      resource,
      remediation: {
        manual: `Make the ERP's connector match (Exchange admin center → Mail flow → Connectors → add ${coverage.missing.join(', ')} to its IP addresses, and keep it on); only if that is impossible, turn direct-send rejection off again.`,
        command: relay
          ? `${connectorFix(relay, egress)}  # or: Set-OrganizationConfig -RejectDirectSend $false`
          : `New-InboundConnector -Name ${psQuote(ctx.tenant.connector ?? 'Twenty20 ERP relay')} -ConnectorType OnPremises -SenderDomains '*' -SenderIPAddresses ${psList(ctx.tenant.erpEgressIps)}  # or: Set-OrganizationConfig -RejectDirectSend $false`,
      },
      cause: {
        code: '5.7.68',
        checkId: 'exchange-reject-direct-send',
        explanation: 'RejectDirectSend blocks anonymous mail from your own domains that no connector attributes to the tenant.',
        fix: "Make the ERP's inbound connector match its egress IPs.",
      },
    };
  },
});

/** The Set-InboundConnector that makes this connector match the ERP: enabled, with the addresses it lacks. */
function connectorFix(connector: InboundConnector, egress: readonly string[]): string {
  const lacking = ipCoverage(egress, [connector]).missing;
  const enable = connector.Enabled ? '' : ' -Enabled $true';
  const add = lacking.length > 0 ? ` -SenderIPAddresses @{Add=${psList(lacking)}}` : '';
  return `Set-InboundConnector -Identity ${psQuote(connector.Identity)}${enable}${add}`;
}
