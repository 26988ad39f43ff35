import { afterEach, describe, expect, it } from 'vitest';
import { isWriteKey } from '../../lab/faults.js';
import { type Lab, SCENARIOS, startLab } from '../../lab/index.js';
import { findPlanner } from '../../src/checks/fixes.js';
import { renderText } from '../../src/render/text.js';
import { approvalsOnLab, BOB, eventsOf, planIdOf } from '../approvals/lab-approvals.js';

type Change = { setting: string; before: unknown; after: unknown };

/** One step: `fix <check> [--remove-extra]`, its diff, and the card once bob approved it. */
interface Step {
  checkId: string;
  removeExtra?: boolean;
  changes: Change[];
  /** What the card says at the end; the re-check's own verdict when it is not a pass. */
  final: 'applied · verified' | RegExp;
}

/**
 * Every lab scenario whose expected failure or warning has a planner. Each is planned, approved by
 * someone other than the asker, applied over the wire, re-checked and audited. The diffs follow
 * from what each scenario breaks (lab/scenarios/*.ts) and from the healthy state it breaks.
 */
const FIXED: Record<string, Step[]> = {
  'erp-outgoing-wrong-port': [
    {
      checkId: 'erp-outgoing-server',
      changes: [{ setting: 'ir.mail_server.smtp_port', before: 587, after: 25 }],
      final: 'applied · verified',
    },
  ],
  'erp-incoming-basic-auth': [
    {
      checkId: 'erp-incoming-server',
      changes: [
        { setting: 'fetchmail.server.server_type', before: 'imap', after: 'outlook' },
        { setting: 'fetchmail.server.password', before: '(not shown)', after: null },
      ],
      final: 'applied · verified',
    },
  ],
  'erp-base-url-not-frozen': [
    {
      checkId: 'erp-system-params',
      changes: [{ setting: 'ir.config_parameter web.base.url.freeze', before: null, after: 'True' }],
      final: 'applied · verified',
    },
  ],
  'erp-bounce-alias-foreign': [
    {
      checkId: 'erp-system-params',
      changes: [{ setting: 'ir.config_parameter mail.catchall.domain', before: 'erp-hosting.example', after: 'contoso.test' }],
      final: 'applied · verified',
    },
  ],
  'erp-sales-alias-followers': [
    {
      checkId: 'erp-sales-alias',
      changes: [{ setting: 'crm.team "Sales" alias_contact', before: 'followers', after: 'everyone' }],
      final: 'applied · verified',
    },
  ],
  // Adding the ERP's IP leaves the stale entry (a warning); removing it is the plan one asks for next.
  'connector-ip-missing': [
    {
      checkId: 'exchange-connector-ips',
      changes: [{ setting: '"Twenty20 ERP relay" SenderIPAddresses', before: ['203.0.113.99'], after: ['203.0.113.99', '203.0.113.10'] }],
      final: /applied, but the re-check says warn: .*203\.0\.113\.99/,
    },
    {
      checkId: 'exchange-connector-ips',
      removeExtra: true,
      changes: [{ setting: '"Twenty20 ERP relay" SenderIPAddresses', before: ['203.0.113.99', '203.0.113.10'], after: ['203.0.113.10'] }],
      final: 'applied · verified',
    },
  ],
  'direct-send-rejected': [
    {
      checkId: 'exchange-connector-ips',
      changes: [{ setting: '"Twenty20 ERP relay" SenderIPAddresses', before: ['203.0.113.99'], after: ['203.0.113.99', '203.0.113.10'] }],
      final: /applied, but the re-check says warn/,
    },
  ],
  'connector-extra-ip': [
    {
      checkId: 'exchange-connector-ips',
      removeExtra: true,
      changes: [
        { setting: '"Twenty20 ERP relay" SenderIPAddresses', before: ['203.0.113.10', '198.51.100.0/24'], after: ['203.0.113.10'] },
      ],
      final: 'applied · verified',
    },
  ],
  'connector-range': [{ checkId: 'exchange-connector-ips', removeExtra: true, changes: [], final: 'applied · verified' }],
  'connector-disabled': [
    { checkId: 'exchange-connector', changes: [{ setting: 'Enabled', before: false, after: true }], final: 'applied · verified' },
  ],
  'catchall-rule-disabled': [
    {
      checkId: 'exchange-catchall-rule',
      changes: [{ setting: 'State', before: 'Disabled', after: 'Enabled' }],
      final: 'applied · verified',
    },
  ],
  'catchall-rule-audit-mode': [
    { checkId: 'exchange-catchall-rule', changes: [{ setting: 'Mode', before: 'Audit', after: 'Enforce' }], final: 'applied · verified' },
  ],
  'catchall-rule-wrong-target': [
    {
      checkId: 'exchange-catchall-rule',
      changes: [{ setting: 'RedirectMessageTo', before: ['Alice Admin'], after: ['erp@contoso.test'] }],
      final: 'applied · verified',
    },
  ],
  'catchall-rule-shadowed': [
    {
      checkId: 'exchange-catchall-rule',
      changes: [
        { setting: 'Priority', before: 1, after: 0 },
        { setting: 'Priority of "Legal disclaimer"', before: 0, after: '1 (moves down one)' },
      ],
      final: 'applied · verified',
    },
  ],
  'domain-authoritative': [
    {
      checkId: 'exchange-accepted-domain',
      changes: [{ setting: 'DomainType', before: 'Authoritative', after: 'InternalRelay' }],
      final: 'applied · verified',
    },
  ],
  // The rule waits for its group: fixing the group first, then the rule has nothing left to fix.
  'dynamic-group-missing': [
    {
      checkId: 'exchange-dynamic-group',
      changes: [
        { setting: 'DynamicDistributionGroup', before: null, after: 'DynamicAllUsers' },
        { setting: 'IncludedRecipients', before: null, after: 'MailboxUsers, MailGroups' },
        { setting: 'HiddenFromAddressListsEnabled', before: null, after: true },
      ],
      final: 'applied · verified',
    },
  ],
  'dynamic-group-stale-members': [
    {
      checkId: 'exchange-dynamic-group',
      changes: [{ setting: 'stored membership', before: '4 members, without dave@contoso.test', after: 'refreshed now' }],
      final: 'applied · verified',
    },
  ],
  'mailbox-imap-disabled': [
    {
      checkId: 'exchange-catchall-mailbox',
      changes: [{ setting: 'ImapEnabled', before: false, after: true }],
      final: 'applied · verified',
    },
  ],
  'fetchmail-stuck': [
    {
      checkId: 'mailflow-fetchmail-backlog',
      changes: [
        { setting: 'ir.cron "Mail: Fetchmail Service" active', before: false, after: true },
        { setting: 'unread mail in the catch-all inbox', before: 2, after: 'fetched by the ERP now' },
      ],
      final: 'applied · verified',
    },
  ],
};

/** Failures the bot does not fix: `fix` answers why, with no buttons. */
const NOT_FIXED: { scenario: string; checkId: string; reason: RegExp }[] = [
  {
    scenario: 'mailbox-unlicensed',
    checkId: 'exchange-catchall-mailbox',
    reason: /no licence .* assign one in the Microsoft 365 admin center/,
  },
  { scenario: 'connector-certificate-foreign', checkId: 'exchange-connector-ips', reason: /certificate .* which the bot cannot issue/ },
  { scenario: 'erp-incoming-basic-auth', checkId: 'erp-incoming-test', reason: /would fail the same way .* fix the cause first/ },
  { scenario: 'mailbox-imap-disabled', checkId: 'erp-incoming-test', reason: /would fail the same way/ },
  { scenario: 'dynamic-group-missing', checkId: 'exchange-catchall-rule', reason: /fix exchange-dynamic-group first/ },
  { scenario: 'connector-extra-ip', checkId: 'exchange-connector-ips', reason: /`fix exchange-connector-ips --remove-extra`/ },
];

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

describe('every fixable lab scenario: plan → another person approves → applied → re-checked → audited', () => {
  it('covers every scenario whose expected failure or warning has a planner', () => {
    const fixable = SCENARIOS.flatMap((s) =>
      Object.entries(s.expect ?? {})
        .filter(([id, status]) => (status === 'fail' || status === 'warn') && findPlanner(id))
        .map(([id]) => `${s.name} ${id}`),
    );
    const covered = [
      ...Object.entries(FIXED).flatMap(([scenario, steps]) => steps.map((s) => `${scenario} ${s.checkId}`)),
      ...NOT_FIXED.map((n) => `${n.scenario} ${n.checkId}`),
    ];
    for (const entry of fixable) expect(covered, entry).toContain(entry);
  });

  for (const [scenario, steps] of Object.entries(FIXED)) {
    it(scenario, async () => {
      lab = await startLab({ scenario });
      const { ask, approvals, store } = approvalsOnLab(lab);
      for (const step of steps) {
        const command = `fix ${step.checkId}${step.removeExtra ? ' --remove-extra' : ''}`;
        const card = await ask(command);
        expect(card.summary, command).toBe(`Fix ${step.checkId} on contoso: waiting for approval (0/1)`);
        const planId = planIdOf(card);
        const plan = store.plans.get(planId);
        if (step.changes.length > 0) expect(plan?.changes).toEqual(step.changes);
        else expect(plan?.changes.length).toBeGreaterThan(0);
        expect(lab.requests.filter((r) => isWriteKey(r.service, r.key))).toEqual([]);

        const click = approvals.decide(planId, 'approve', BOB);
        expect(click.refusal).toBeUndefined();
        await click.done;
        // Applied over the wire: one write request per planned call.
        expect(lab.requests.filter((r) => isWriteKey(r.service, r.key))).toHaveLength(plan?.calls.length ?? -1);
        const final = approvals.card(planId);
        if (typeof step.final === 'string') expect(final?.summary).toBe(`Fix ${step.checkId} on contoso: ${step.final}`);
        else expect(final?.summary).toMatch(step.final);
        expect(eventsOf(store, planId)).toEqual(['requested', 'approved', 'applying', 'applied', 'verified']);
        if (step.final === 'applied · verified') {
          // A fresh check, outside the flow: the setting is right now.
          expect(renderText(await ask(`check ${step.checkId}`), { details: true })).toMatch(/^1 passing/m);
        }
        lab.requests.length = 0;
      }
    }, 60_000);
  }

  for (const { scenario, checkId, reason } of NOT_FIXED) {
    it(`${scenario}: ${checkId} is not fixed by the bot, which says why`, async () => {
      lab = await startLab({ scenario });
      const { ask, store } = approvalsOnLab(lab);
      const answer = await ask(`fix ${checkId}`);
      expect(answer.summary).toMatch(reason);
      expect(answer.summary).toContain(`See \`explain ${checkId}\` for the steps by hand.`);
      expect(answer.blocks.some((b) => b.type === 'plan-actions')).toBe(false);
      expect(store.audit.list()).toEqual([]);
    }, 60_000);
  }
});
