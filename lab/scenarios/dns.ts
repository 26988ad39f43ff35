import { setDnsRecords } from '../dns/state.js';
import { defineScenario, type Scenario } from './types.js';

/** Scenarios of the dns area. */
export const dnsScenarios: Scenario[] = [
  defineScenario({
    name: 'mx-elsewhere',
    description: "The domain's MX points at another mail provider, so mail to sales@ never reaches Exchange Online.",
    apply: (state) => {
      setDnsRecords(state.dns, state.tenant.domain, 'MX', [
        { type: 'MX', exchange: 'mx1.mailhost.example', priority: 10 },
        { type: 'MX', exchange: 'mx2.mailhost.example', priority: 20 },
      ]);
    },
    expect: { 'dns-mx': 'fail' },
  }),
  defineScenario({
    name: 'spf-missing',
    description: 'The domain has no SPF record (the Microsoft verification TXT is still there).',
    apply: (state) => {
      const d = state.tenant.domain;
      const kept = (state.dns.records[d] ?? []).filter((r) => r.type === 'TXT' && !r.data.startsWith('v=spf1'));
      setDnsRecords(state.dns, d, 'TXT', kept);
    },
    expect: { 'dns-spf': 'fail' },
  }),
  defineScenario({
    name: 'spf-two-records',
    description: 'A second SPF record was added for another sender instead of merging it into the first.',
    apply: (state) => {
      const d = state.tenant.domain;
      const txt = (state.dns.records[d] ?? []).filter((r) => r.type === 'TXT');
      setDnsRecords(state.dns, d, 'TXT', [...txt, { type: 'TXT', data: 'v=spf1 include:servers.mcsv.net ~all' }]);
    },
    expect: { 'dns-spf': 'fail' },
  }),
];
