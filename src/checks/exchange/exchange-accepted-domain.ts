import { exchangeAcceptedDomains } from '../../adapters/exchange/sources.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';
import { sameText } from './shared/connectors.js';
import { psQuote } from './shared/powershell.js';

/**
 * Step 5: the domain is InternalRelay, so mail to addresses without a mailbox is accepted and
 * reaches the catch-all rule. (Authoritative makes Exchange reject it with 550 5.4.1 first.)
 */
export const exchangeAcceptedDomainCheck = defineCheck({
  meta: {
    id: 'exchange-accepted-domain',
    title: 'Accepted domain is Internal Relay',
    area: 'exchange',
    severity: 'critical',
    dependsOn: [],
    sources: [exchangeAcceptedDomains],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./exchange-accepted-domain.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const domain = ctx.tenant.domain;
    const domains = snapshot.get(exchangeAcceptedDomains);
    const accepted = domains.find((d) => sameText(d.DomainName, domain));
    const expected = { DomainType: 'InternalRelay' };
    const command = `Set-AcceptedDomain -Identity ${psQuote(accepted?.Identity ?? domain)} -DomainType InternalRelay`;
    const manual = `Exchange admin center → Mail flow → Accepted domains → ${domain} → This accepted domain is: Internal relay → Save.`;
    if (!accepted) {
      return {
        status: 'fail',
        detail: `${domain} is not an accepted domain of Exchange Online (Get-AcceptedDomain lists ${domains.map((d) => d.DomainName).join(', ') || 'none'}); expected it with DomainType InternalRelay.`,
        observed: { acceptedDomains: domains.map((d) => ({ DomainName: d.DomainName, DomainType: d.DomainType })) },
        expected,
        resource: { kind: 'AcceptedDomain', name: domain },
        remediation: {
          manual: `Add and verify ${domain} in the Microsoft 365 admin center → Settings → Domains; it then appears under Exchange admin center → Mail flow → Accepted domains, where you set it to Internal relay.`,
          command,
        },
      };
    }
    const observed = { DomainName: accepted.DomainName, DomainType: accepted.DomainType, Default: accepted.Default };
    const resource = { kind: 'AcceptedDomain', id: accepted.Identity, name: accepted.DomainName };
    if (accepted.DomainType === 'InternalRelay') {
      return {
        status: 'pass',
        detail: `${domain} is InternalRelay: mail to addresses without a mailbox is accepted and reaches the catch-all rule. Directory-Based Edge Blocking is therefore off for the domain, so spam to made-up addresses also lands in ${ctx.tenant.catchallMailbox}.`,
        observed: { ...observed, directoryBasedEdgeBlocking: false },
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail:
        accepted.DomainType === 'Authoritative'
          ? `${domain} has DomainType Authoritative; expected InternalRelay. An authoritative domain makes Exchange Online reject mail to any address without a mailbox (550 5.4.1 Recipient address rejected: Access denied) before the catch-all rule runs, so mail to sales@ never reaches the ERP.`
          : `${domain} has DomainType ${accepted.DomainType}; expected InternalRelay, which is what makes Exchange Online accept mail for addresses without a mailbox and hand it to the catch-all rule.`,
      observed,
      expected,
      resource,
      remediation: { manual, command },
      cause:
        accepted.DomainType === 'Authoritative'
          ? {
              code: '5.4.1',
              checkId: 'exchange-accepted-domain',
              explanation: 'Directory-Based Edge Blocking rejects recipients without a mailbox on an Authoritative domain.',
              fix: `Set ${domain} to InternalRelay.`,
            }
          : undefined,
    };
  },
});
