import { exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import type { InboundConnector } from '../../adapters/exchange/types.js';
import type { TenantConfig } from '../../config/schema.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { namedConnector } from './shared/connectors.js';
import { psList, psQuote } from './shared/powershell.js';

const DEFAULT_NAME = 'Twenty20 ERP relay';

/** Step 1: an enabled inbound connector "from your organization's email server" (OnPremises). */
export const exchangeConnectorCheck = defineCheck({
  meta: {
    id: 'exchange-connector',
    title: 'Inbound connector for the ERP',
    area: 'exchange',
    severity: 'critical',
    dependsOn: [],
    sources: [exchangeInboundConnectors],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./exchange-connector.md', import.meta.url),
  run(snapshot, ctx) {
    const connectors = snapshot.get(exchangeInboundConnectors);
    const observed = { connectors: connectors.map((c) => ({ Name: c.Name, Enabled: c.Enabled, ConnectorType: c.ConnectorType })) };
    const name = ctx.tenant.connector;
    if (name) {
      const connector = namedConnector(connectors, name);
      if (!connector) {
        return missing(
          ctx.tenant,
          observed,
          `There is no inbound connector named "${name}" (Get-InboundConnector lists ${list(connectors)}); expected an enabled OnPremises connector of that name.`,
        );
      }
      return judge(connector, observed, ctx.tenant);
    }
    const onPremises = connectors.filter((c) => c.ConnectorType === 'OnPremises');
    const enabled = onPremises.find((c) => c.Enabled);
    if (enabled) return judge(enabled, observed, ctx.tenant);
    if (onPremises[0]) return judge(onPremises[0], observed, ctx.tenant);
    const partners = connectors.filter((c) => c.ConnectorType !== 'OnPremises');
    return missing(
      ctx.tenant,
      observed,
      partners.length > 0
        ? `No inbound connector has ConnectorType OnPremises (there are only ${partners.map((c) => `"${c.Name}" (${c.ConnectorType})`).join(', ')}); expected one from your organization's email server, enabled.`
        : "There is no inbound connector at all; expected an enabled one with ConnectorType OnPremises, so that Exchange Online accepts the ERP's mail for relay.",
    );
  },
});

function judge(connector: InboundConnector, observed: Record<string, unknown>, tenant: TenantConfig): Verdict {
  const resource = { kind: 'InboundConnector', id: connector.Identity, name: connector.Name };
  const expected = { ConnectorType: 'OnPremises', Enabled: true };
  const seen = { ...observed, connector: connector.Name, ConnectorType: connector.ConnectorType, Enabled: connector.Enabled };
  if (connector.ConnectorType !== 'OnPremises') {
    return {
      status: 'fail',
      detail: `Inbound connector "${connector.Name}" has ConnectorType ${connector.ConnectorType}; expected OnPremises ("from your organization's email server"), which is what lets the ERP relay to outside recipients.`,
      observed: seen,
      expected,
      resource,
      remediation: {
        manual: `Exchange admin center → Mail flow → Connectors: a connector's type cannot be changed, so add a new one from "Your organization's email server" to "Office 365" identified by the ERP's IP addresses, then remove "${connector.Name}" if nothing else uses it.`,
        command: `New-InboundConnector -Name ${psQuote(DEFAULT_NAME)} -ConnectorType OnPremises -SenderDomains '*' -SenderIPAddresses ${psList(connector.SenderIPAddresses.length ? connector.SenderIPAddresses : tenant.erpEgressIps)}`,
      },
    };
  }
  if (!connector.Enabled) {
    return {
      status: 'fail',
      detail: `Inbound connector "${connector.Name}" has Enabled false; expected true. While it is off, Exchange Online refuses the ERP's outgoing mail with 550 5.7.64 TenantAttribution; Relay Access Denied.`,
      observed: seen,
      expected,
      resource,
      remediation: {
        manual: `Exchange admin center → Mail flow → Connectors → "${connector.Name}" → turn Status on.`,
        command: `Set-InboundConnector -Identity ${psQuote(connector.Identity)} -Enabled $true`,
      },
      cause: {
        code: '5.7.64',
        checkId: 'exchange-connector',
        explanation:
          'No enabled inbound connector matches the ERP, so Exchange Online treats its mail as anonymous and refuses to relay it outside.',
        fix: 'Enable the connector.',
      },
    };
  }
  return {
    status: 'pass',
    detail: `Inbound connector "${connector.Name}" is enabled and of type OnPremises.`,
    observed: seen,
    expected,
    resource,
  };
}

function missing(tenant: TenantConfig, observed: Record<string, unknown>, detail: string): Verdict {
  const name = tenant.connector ?? DEFAULT_NAME;
  return {
    status: 'fail',
    detail,
    observed,
    expected: { connector: tenant.connector ?? 'any', ConnectorType: 'OnPremises', Enabled: true },
    resource: { kind: 'InboundConnector', name },
    remediation: {
      manual: `Exchange admin center → Mail flow → Connectors → Add a connector: from "Your organization's email server" to "Office 365", name "${name}", identify the sender by IP address: ${tenant.erpEgressIps.join(', ')}; keep it on.`,
      command: `New-InboundConnector -Name ${psQuote(name)} -ConnectorType OnPremises -SenderDomains '*' -SenderIPAddresses ${psList(tenant.erpEgressIps)}`,
    },
    cause: {
      code: '5.7.64',
      checkId: 'exchange-connector',
      explanation:
        'Without an inbound connector for the ERP, Exchange Online refuses its outgoing mail with 550 5.7.64 TenantAttribution; Relay Access Denied.',
      fix: 'Create the connector.',
    },
  };
}

function list(connectors: readonly InboundConnector[]): string {
  return connectors.length === 0 ? 'none' : connectors.map((c) => `"${c.Name}"`).join(', ');
}
