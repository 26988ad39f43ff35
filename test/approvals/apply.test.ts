import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { renderText } from '../../src/render/text.js';
import { ADA, approvalsOnLab, BOB, CAROL, callsTo, eventsOf, MALLORY, planIdOf } from './lab-approvals.js';

/**
 * The approval-gated fix flow against the lab, through the real dispatcher: `fix` posts the plan,
 * a click is decided once, the final approval re-reads the target, applies, and re-checks.
 */
let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

describe('fix: plan → approve → apply → verify', () => {
  for (const { scenario, checkId, cmdlet } of [
    { scenario: 'mailbox-imap-disabled', checkId: 'exchange-catchall-mailbox', cmdlet: 'Set-CASMailbox' },
    { scenario: 'domain-authoritative', checkId: 'exchange-accepted-domain', cmdlet: 'Set-AcceptedDomain' },
    { scenario: 'erp-outgoing-wrong-port', checkId: 'erp-outgoing-server', cmdlet: 'ir.mail_server.write' },
  ]) {
    it(`${scenario}: approved by another person, applied once, the check passes, every step audited`, async () => {
      lab = await startLab({ scenario });
      const { ask, approvals, store } = approvalsOnLab(lab);
      const card = await ask(`fix ${checkId}`);
      expect(card.summary).toBe(`Fix ${checkId} on contoso: waiting for approval (0/1)`);
      const text = renderText(card);
      expect(text).toContain('What is wrong:');
      expect(text).toMatch(/Asked by: ada \(slack:U0LABADA01\)/);
      expect(text).toContain('Expires:');
      const planId = planIdOf(card);
      expect(callsTo(lab, cmdlet)).toBe(0);

      const click = approvals.decide(planId, 'approve', BOB);
      expect(click.refusal).toBeUndefined();
      expect(click.card?.summary).toBe(`Fix ${checkId} on contoso: approved 1/1 · applying`);
      await click.done;

      expect(callsTo(lab, cmdlet)).toBe(1);
      expect(approvals.card(planId)?.summary).toBe(`Fix ${checkId} on contoso: applied · verified`);
      expect(eventsOf(store, planId)).toEqual(['requested', 'approved', 'applying', 'applied', 'verified']);
      // A fresh check, after the flow: the setting really is right now.
      expect(renderText(await ask(`check ${checkId}`), { details: true })).toMatch(/^1 passing|Passing \(1\)/m);
    }, 30_000);
  }

  it('the requester cannot approve their own plan, a non-approver is refused, and nothing is applied', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask, approvals, store } = approvalsOnLab(lab);
    const planId = planIdOf(await ask('fix exchange-catchall-mailbox'));
    const self = approvals.decide(planId, 'approve', ADA);
    expect(self.refusal).toBe('You asked for this fix, so another approver has to approve it.');
    const outsider = approvals.decide(planId, 'approve', MALLORY);
    expect(outsider.refusal).toBe('You are not an approver for contoso.');
    await Promise.all([self.done, outsider.done]);
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
    expect(approvals.card(planId)?.summary).toBe('Fix exchange-catchall-mailbox on contoso: waiting for approval (0/1)');
    expect(eventsOf(store, planId)).toEqual(['requested', 'refused', 'refused']);
  }, 30_000);

  it('with required: 2 the first approval waits for a second, distinct approver', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask, approvals } = approvalsOnLab(lab, { policy: { required: 2 } });
    const planId = planIdOf(await ask('fix exchange-catchall-mailbox'));
    const first = approvals.decide(planId, 'approve', BOB);
    expect(first.card?.summary).toBe('Fix exchange-catchall-mailbox on contoso: approved 1/2, waiting for another approver');
    expect(approvals.decide(planId, 'approve', BOB).refusal).toBe('You have already approved this plan; it needs another approver.');
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
    await approvals.decide(planId, 'approve', CAROL).done;
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(1);
    expect(approvals.card(planId)?.summary).toBe('Fix exchange-catchall-mailbox on contoso: applied · verified');
  }, 30_000);

  it('a click after expiry is refused, the card says expired, nothing is applied', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    let now = Date.now();
    const { ask, approvals, store } = approvalsOnLab(lab, { now: () => new Date(now), policy: { expiresMinutes: 30 } });
    const card = await ask('fix exchange-catchall-mailbox');
    const planId = planIdOf(card);
    now += 31 * 60_000;
    const click = approvals.decide(planId, 'approve', BOB);
    expect(click.refusal).toBe('This plan is expired; nothing was changed by this click.');
    expect(click.card?.summary).toBe('Fix exchange-catchall-mailbox on contoso: expired, nothing was applied');
    await click.done;
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
    expect(eventsOf(store, planId)).toEqual(['requested', 'expired']);
  }, 30_000);

  it('a plan whose target changed after planning is stale: nothing applied, the card says what changed', async () => {
    lab = await startLab({ scenario: 'catchall-rule-audit-mode' });
    const { ask, approvals, store } = approvalsOnLab(lab);
    const planId = planIdOf(await ask('fix exchange-catchall-rule'));
    // Someone changes the rule by hand between the plan and the click.
    const rule = lab.state.microsoft.exchange.transportRules.find((r) => r.Mode !== 'Enforce');
    if (!rule) throw new Error('the scenario has a rule in audit mode');
    rule.Mode = 'AuditAndNotify';
    await approvals.decide(planId, 'approve', BOB).done;
    expect(callsTo(lab, 'Set-TransportRule')).toBe(0);
    const card = approvals.card(planId);
    expect(card?.summary).toBe('Fix exchange-catchall-rule on contoso: stale — the target changed since the plan, nothing was applied');
    expect(renderText(card!)).toMatch(/Mode was "Audit" when planned, now "AuditAndNotify"/);
    expect(eventsOf(store, planId)).toEqual(['requested', 'approved', 'stale']);
  }, 30_000);

  it('two approvers clicking at once apply the plan once', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask, approvals, store } = approvalsOnLab(lab);
    const planId = planIdOf(await ask('fix exchange-catchall-mailbox'));
    const clicks = [
      approvals.decide(planId, 'approve', BOB),
      approvals.decide(planId, 'approve', CAROL),
      approvals.decide(planId, 'approve', BOB),
    ];
    await Promise.all(clicks.map((c) => c.done));
    expect(clicks.filter((c) => c.refusal === undefined)).toHaveLength(1);
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(1);
    expect(eventsOf(store, planId).filter((e) => e === 'applied')).toHaveLength(1);
  }, 30_000);

  it('a fault on the second of two writes is reported as partial, naming what was applied and what not', async () => {
    lab = await startLab({
      scenario: 'dynamic-group-missing',
      faults: [{ service: 'exchange', nthWrite: 2, kind: 'status', status: 503 }],
    });
    const { ask, approvals, store } = approvalsOnLab(lab);
    const planId = planIdOf(await ask('fix exchange-dynamic-group'));
    await approvals.decide(planId, 'approve', BOB).done;
    const card = approvals.card(planId);
    expect(card?.summary).toBe('Fix exchange-dynamic-group on contoso: partial — some calls were applied, not all (see below)');
    const text = renderText(card!);
    expect(text).toMatch(/\[applied\] 1\. New-DynamicDistributionGroup/);
    expect(text).toMatch(/\[failed\] 2\. Set-DynamicDistributionGroup/);
    expect(text).toMatch(/call 2 of 2 failed: /);
    expect(eventsOf(store, planId)).toEqual(['requested', 'approved', 'applying', 'partial', 'verified']);
  }, 30_000);

  it('a write refused for a missing Exchange role is failed, with the role named, and nothing half-done', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask, approvals } = approvalsOnLab(lab);
    const planId = planIdOf(await ask('fix exchange-catchall-mailbox'));
    const roles = lab.state.microsoft.appRoles;
    roles.exchangeRoles = roles.exchangeRoles.filter((r) => r !== 'Mail Recipients');
    await approvals.decide(planId, 'approve', BOB).done;
    const card = approvals.card(planId);
    expect(card?.summary).toBe('Fix exchange-catchall-mailbox on contoso: failed, nothing was applied');
    expect(renderText(card!)).toMatch(/Mail Recipients/);
  }, 30_000);

  it('a second fix for the same target shows the open plan and who asked', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask } = approvalsOnLab(lab);
    await ask('fix exchange-catchall-mailbox');
    const again = await ask('fix exchange-catchall-mailbox', BOB);
    expect(again.summary).toMatch(/already has an open fix plan \(pending\), asked by ada \(slack:U0LABADA01\) at /);
    expect(again.blocks.some((b) => b.type === 'plan-actions')).toBe(false);
  }, 30_000);

  it('without approvers the card still shows the plan and says no one can approve it yet', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask, approvals } = approvalsOnLab(lab, { policy: { approvers: [] } });
    const card = await ask('fix exchange-catchall-mailbox');
    expect(renderText(card)).toContain('No one can approve this plan until `approvals.approvers` is set in the config.');
    expect(approvals.decide(planIdOf(card), 'approve', BOB).refusal).toBe(
      'No one can approve fixes until approvals.approvers is set in the config.',
    );
  }, 30_000);

  it('an unknown plan id gets a clear refusal', async () => {
    lab = await startLab({ scenario: 'healthy' });
    const { approvals } = approvalsOnLab(lab);
    expect(approvals.decide('p-forged', 'approve', BOB).refusal).toMatch(/^There is no such fix plan/);
  }, 30_000);
});
