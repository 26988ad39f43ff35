import { exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import { basisOf, definePlanner, exchangeCall, type FixCall, type FixChange, refuse } from '../../engine/fix.js';
import { ipCoverage, relayConnectors } from './shared/connectors.js';
import { isCovered, parseAll } from './shared/ip-ranges.js';

/**
 * Adds the ERP egress IPs the connector lacks. With `--remove-extra`, a separate plan: drops entries
 * the config does not know and narrows a range that contains an ERP address to that address — in
 * the same change, so the ERP's own address is never left out.
 */
export const exchangeConnectorIpsPlanner = definePlanner({
  checkId: 'exchange-connector-ips',
  sources: [exchangeInboundConnectors],
  plan(snapshot, ctx, options) {
    const connectors = relayConnectors(snapshot.get(exchangeInboundConnectors), ctx.tenant.connector);
    const target = connectors[0];
    if (!target) return refuse('There is no enabled OnPremises connector to add addresses to; that is the exchange-connector fix.');
    const egress = ctx.tenant.erpEgressIps;
    const coverage = ipCoverage(egress, connectors);
    const basis = basisOf({
      connectors: connectors.map((c) => ({ Identity: c.Identity, SenderIPAddresses: c.SenderIPAddresses })),
      egress,
    });
    const configured = parseAll(egress).ranges;

    // Per connector: what it will hold after the plan.
    const after = new Map(connectors.map((c) => [c.Identity, [...c.SenderIPAddresses]]));
    const edits = new Map<string, { Add: string[]; Remove: string[] }>();
    const edit = (identity: string) => {
      let e = edits.get(identity);
      if (!e) {
        e = { Add: [], Remove: [] };
        edits.set(identity, e);
      }
      return e;
    };
    if (options.removeExtra) {
      if (coverage.extra.length === 0)
        return refuse('The connectors admit nothing beyond the ERP egress IPs in the config; nothing to remove.');
      for (const connector of connectors) {
        const removed = coverage.extra.filter((x) => x.connector === connector.Name).map((x) => x.entry);
        if (removed.length === 0) continue;
        const kept = (after.get(connector.Identity) ?? []).filter((entry) => !removed.includes(entry));
        after.set(connector.Identity, kept);
        edit(connector.Identity).Remove.push(...removed);
      }
    }
    // ERP addresses no remaining entry admits: the missing ones, and those a removed range held.
    const remaining = parseAll([...after.values()].flat()).ranges;
    const toAdd = configured.filter((range) => !isCovered(range, remaining)).map((r) => r.text);
    if (toAdd.length > 0) {
      edit(target.Identity).Add.push(...toAdd);
      after.set(target.Identity, [...(after.get(target.Identity) ?? []), ...toAdd]);
    }
    if (edits.size === 0) {
      return refuse(
        coverage.extra.length > 0
          ? 'Every ERP egress IP is admitted already. Removing the extra entries is a separate plan you ask for: `fix exchange-connector-ips --remove-extra`.'
          : "The connectors admit exactly the ERP's egress IPs; nothing to change.",
      );
    }
    const changes: FixChange[] = [];
    const calls: FixCall[] = [];
    for (const connector of connectors) {
      const e = edits.get(connector.Identity);
      if (!e) continue;
      changes.push({
        setting: `"${connector.Name}" SenderIPAddresses`,
        before: [...connector.SenderIPAddresses],
        after: after.get(connector.Identity) ?? [],
      });
      calls.push(
        exchangeCall('Set-InboundConnector', {
          Identity: connector.Identity,
          SenderIPAddresses: { ...(e.Add.length > 0 ? { Add: e.Add } : {}), ...(e.Remove.length > 0 ? { Remove: e.Remove } : {}) },
        }),
      );
    }
    return { target: `InboundConnector "${target.Name}"`, changes, calls, basis };
  },
});
