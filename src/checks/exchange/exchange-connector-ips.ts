import { exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import { defineCheck } from '../../engine/check.js';
import { ipCoverage, relayConnectors } from './shared/connectors.js';
import { psQuote } from './shared/powershell.js';

/**
 * Step 1, the addresses: every ERP egress IP is in the connector's `SenderIPAddresses`
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
    sources: [exchangeInboundConnectors],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./exchange-connector-ips.md', import.meta.url),
  run(snapshot, ctx) {
    const connectors = relayConnectors(snapshot.get(exchangeInboundConnectors), ctx.tenant.connector);
    const egress = ctx.tenant.erpEgressIps;
    const coverage = ipCoverage(egress, connectors);
    const names = connectors.map((c) => `"${c.Name}"`).join(', ');
    const target = connectors[0];
    const identity = psQuote(target?.Identity ?? ctx.tenant.connector ?? '<connector>');
    const observed = {
      connectors: connectors.map((c) => ({ Name: c.Name, SenderIPAddresses: c.SenderIPAddresses })),
      erpEgressIps: egress,
      missing: coverage.missing,
      extra: coverage.extra,
      invalid: coverage.invalid,
    };
    const expected = { SenderIPAddresses: egress };
    const resource = { kind: 'InboundConnector', id: target?.Identity, name: target?.Name };

    if (coverage.missing.length > 0) {
      return {
        status: 'fail',
        detail: `SenderIPAddresses of ${names} do not admit ${coverage.missing.join(', ')}, the ERP's egress IP${coverage.missing.length > 1 ? 's' : ''} in the config; expected every ERP egress IP to be in the list. Mail the ERP sends from there is refused with 550 5.7.64 TenantAttribution; Relay Access Denied.`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `Exchange admin center → Mail flow → Connectors → ${names} → Edit sent email identity → add ${coverage.missing.join(', ')} to the IP addresses → Save.`,
          command: `Set-InboundConnector -Identity ${identity} -SenderIPAddresses @{Add=${coverage.missing.map(psQuote).join(',')}}`,
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
      const extras = coverage.extra.map((e) => `${e.entry} in "${e.connector}" (${e.addresses} address${e.addresses === '1' ? '' : 'es'})`);
      const invalid = coverage.invalid.length > 0 ? ` It also holds entries that are not addresses: ${coverage.invalid.join(', ')}.` : '';
      return {
        status: 'warn',
        detail: `Every ERP egress IP is admitted, but SenderIPAddresses also admit ${extras.length > 0 ? extras.join(', ') : 'nothing else'}, which the config does not list as ERP egress IPs; expected only ${egress.join(', ')}. A stale entry lets whoever now sends from that address relay mail as your organization.${invalid}`,
        observed,
        expected,
        resource,
        remediation: {
          manual: `If the addresses are no longer the ERP's: Exchange admin center → Mail flow → Connectors → ${names} → Edit sent email identity → remove them. If they are, add them to tenants[].erpEgressIps in the config.`,
          command:
            coverage.extra.length > 0
              ? `Set-InboundConnector -Identity ${identity} -SenderIPAddresses @{Remove=${coverage.extra.map((e) => psQuote(e.entry)).join(',')}}`
              : undefined,
        },
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
