import { exchangeAcceptedDomains } from '../../adapters/exchange/sources.js';
import { basisOf, definePlanner, exchangeCall, refuse } from '../../engine/fix.js';
import { sameText } from './shared/connectors.js';

/** Sets the domain to InternalRelay, and says what that trades away. */
export const exchangeAcceptedDomainPlanner = definePlanner({
  checkId: 'exchange-accepted-domain',
  sources: [exchangeAcceptedDomains],
  plan(snapshot, ctx) {
    const domain = ctx.tenant.domain;
    const accepted = snapshot.get(exchangeAcceptedDomains).find((d) => sameText(d.DomainName, domain));
    if (!accepted) {
      return refuse(
        `${domain} is not an accepted domain; adding and verifying a domain (with its DNS records) is done by hand in the Microsoft 365 admin center.`,
      );
    }
    if (accepted.DomainType === 'InternalRelay') return refuse(`${domain} already is InternalRelay; nothing to change.`);
    return {
      target: `AcceptedDomain ${accepted.DomainName}`,
      changes: [{ setting: 'DomainType', before: accepted.DomainType, after: 'InternalRelay' }],
      calls: [exchangeCall('Set-AcceptedDomain', { Identity: accepted.Identity, DomainType: 'InternalRelay' })],
      basis: basisOf({ Identity: accepted.Identity, DomainType: accepted.DomainType }),
      notes: [
        `This turns off Directory-Based Edge Blocking for ${domain}: Exchange no longer rejects mail to addresses without a mailbox, so spam to made-up addresses also reaches the catch-all mailbox ${ctx.tenant.catchallMailbox}.`,
      ],
    };
  },
});
