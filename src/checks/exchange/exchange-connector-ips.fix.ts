import { exchangeAcceptedDomains, exchangeInboundConnectors } from '../../adapters/exchange/sources.js';
import type { InboundConnector } from '../../adapters/exchange/types.js';
import { basisOf, definePlanner, exchangeCall, type FixCall, type FixChange, refuse } from '../../engine/fix.js';
import { acceptedDomainFor, certificateDomain } from './shared/certificates.js';
import { ipCoverage, narrowingChanges, relayConnectors } from './shared/connectors.js';

/**
 * Adds the ERP egress IPs the connector lacks. With `--remove-extra`, a separate plan: drops entries
 * the config does not know and narrows a range that holds an ERP address to that address, in the
 * same change (`narrowingChanges`), so the ERP's own address is never left out.
 */
export const exchangeConnectorIpsPlanner = definePlanner({
  checkId: 'exchange-connector-ips',
  sources: [exchangeInboundConnectors, exchangeAcceptedDomains],
  plan(snapshot, ctx, options) {
    const connectors = relayConnectors(snapshot.get(exchangeInboundConnectors), ctx.tenant.connector);
    if (connectors.length === 0)
      return refuse('There is no enabled OnPremises connector to add addresses to; that is the exchange-connector fix.');
    const egress = ctx.tenant.erpEgressIps;
    // As the check: connectors that name a certificate and no IPs recognise the ERP by certificate.
    const byIp = connectors.filter((c) => !c.TlsSenderCertificateName || c.SenderIPAddresses.length > 0);
    const coverage = ipCoverage(egress, byIp);
    const certified = connectors.some((c) => c.TlsSenderCertificateName)
      ? connectors.filter((c) => {
          const domain = c.TlsSenderCertificateName ? certificateDomain(c.TlsSenderCertificateName) : undefined;
          return domain !== undefined && acceptedDomainFor(domain, snapshot.get(exchangeAcceptedDomains)) !== undefined;
        })
      : [];
    const basis = basisOf({
      connectors: connectors.map((c) => ({
        Identity: c.Identity,
        SenderIPAddresses: c.SenderIPAddresses,
        Tls: c.TlsSenderCertificateName,
      })),
      egress,
    });
    const edits: { connector: InboundConnector; add: string[]; remove: string[] }[] = [];
    if (options.removeExtra) {
      if (coverage.extra.length === 0)
        return refuse('The connectors admit nothing beyond the ERP egress IPs in the config; nothing to remove.');
      edits.push(...narrowingChanges(egress, byIp, coverage.extra));
    }
    const target = byIp[0];
    if (certified.length === 0 && coverage.missing.length > 0) {
      if (!target) {
        return refuse(
          `The connector recognises the ERP by a certificate name (${connectors[0]?.TlsSenderCertificateName}) that is not in an accepted domain; the ERP needs a certificate for a name in ${ctx.tenant.domain}, which the bot cannot issue (see explain).`,
        );
      }
      const stillMissing = coverage.missing.filter((m) => !edits.some((e) => e.add.includes(m)));
      const existing = edits.find((e) => e.connector === target);
      if (existing) existing.add.push(...stillMissing);
      else if (stillMissing.length > 0) edits.unshift({ connector: target, add: stillMissing, remove: [] });
    }
    if (edits.length === 0) {
      return refuse(
        coverage.extra.length > 0
          ? 'Every ERP egress IP is admitted already. Removing the extra entries is a separate plan you ask for: `fix exchange-connector-ips --remove-extra`.'
          : 'The connectors admit the ERP as the config says; nothing to change.',
      );
    }
    const changes: FixChange[] = [];
    const calls: FixCall[] = [];
    for (const { connector, add, remove } of edits) {
      const after = [...connector.SenderIPAddresses.filter((entry) => !remove.includes(entry)), ...add];
      changes.push({ setting: `"${connector.Name}" SenderIPAddresses`, before: [...connector.SenderIPAddresses], after });
      calls.push(
        exchangeCall('Set-InboundConnector', {
          Identity: connector.Identity,
          SenderIPAddresses: { ...(add.length > 0 ? { Add: add } : {}), ...(remove.length > 0 ? { Remove: remove } : {}) },
        }),
      );
    }
    return { target: `InboundConnector "${(edits[0] as (typeof edits)[number]).connector.Name}"`, changes, calls, basis };
  },
});
