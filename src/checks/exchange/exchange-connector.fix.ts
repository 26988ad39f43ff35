import { exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import type { InboundConnector } from '../../adapters/exchange/types.js';
import { basisOf, definePlanner, exchangeCall, type FixChange, type PlanOutcome, refuse } from '../../engine/fix.js';
import { ipCoverage, namedConnector } from './shared/connectors.js';

const DEFAULT_NAME = 'Twenty20 ERP relay';

/**
 * Creates the OnPremises inbound connector with the ERP's egress IPs, or enables the one there is.
 * Enabling also adds ERP addresses the connector lacks, so that exchange-connector-ips (skipped
 * while the connector is off) does not turn from skip into fail.
 */
export const exchangeConnectorPlanner = definePlanner({
  checkId: 'exchange-connector',
  sources: [exchangeInboundConnectors],
  plan(snapshot, ctx) {
    const connectors = snapshot.get(exchangeInboundConnectors);
    const egress = ctx.tenant.erpEgressIps;
    const basis = basisOf({
      connectors: connectors.map((c) => ({
        Identity: c.Identity,
        Enabled: c.Enabled,
        ConnectorType: c.ConnectorType,
        SenderIPAddresses: c.SenderIPAddresses,
      })),
    });
    const create = (name: string): PlanOutcome => {
      if (egress.length === 0)
        return refuse(
          'The config lists no ERP egress IP (tenants[].erpEgressIps), so the bot cannot say which sender the connector should admit.',
        );
      if (connectors.some((c) => c.Name.toLowerCase() === name.toLowerCase())) {
        return refuse(
          `A connector named "${name}" exists but is not an OnPremises connector; its type cannot be changed and the bot will not replace it. Create one by hand under another name (see explain).`,
        );
      }
      return {
        target: `InboundConnector "${name}"`,
        changes: [
          { setting: 'InboundConnector', before: null, after: name },
          { setting: 'ConnectorType', before: null, after: 'OnPremises' },
          { setting: 'SenderIPAddresses', before: null, after: [...egress] },
          { setting: 'Enabled', before: null, after: true },
        ],
        calls: [
          exchangeCall('New-InboundConnector', {
            Name: name,
            ConnectorType: 'OnPremises',
            SenderDomains: ['*'],
            SenderIPAddresses: [...egress],
            Enabled: true,
          }),
        ],
        basis,
      };
    };
    const enable = (connector: InboundConnector): PlanOutcome => {
      if (connector.ConnectorType !== 'OnPremises') {
        return refuse(
          `Connector "${connector.Name}" is of type ${connector.ConnectorType}, and a connector's type cannot be changed; create an OnPremises one by hand (see explain).`,
        );
      }
      if (connector.Enabled) return refuse(`Inbound connector "${connector.Name}" is enabled and of type OnPremises; nothing to change.`);
      const missing = ipCoverage(egress, [connector]).missing;
      const changes: FixChange[] = [{ setting: 'Enabled', before: false, after: true }];
      if (missing.length > 0)
        changes.push({
          setting: 'SenderIPAddresses',
          before: [...connector.SenderIPAddresses],
          after: [...connector.SenderIPAddresses, ...missing],
        });
      return {
        target: `InboundConnector "${connector.Name}"`,
        changes,
        calls: [
          exchangeCall('Set-InboundConnector', {
            Identity: connector.Identity,
            Enabled: true,
            ...(missing.length > 0 ? { SenderIPAddresses: { Add: missing } } : {}),
          }),
        ],
        basis,
      };
    };
    if (ctx.tenant.connector) {
      const named = namedConnector(connectors, ctx.tenant.connector);
      return named ? enable(named) : create(ctx.tenant.connector);
    }
    const onPremises = connectors.filter((c) => c.ConnectorType === 'OnPremises');
    const enabled = onPremises.find((c) => c.Enabled);
    if (enabled) return enable(enabled);
    return onPremises[0] ? enable(onPremises[0]) : create(DEFAULT_NAME);
  },
});
