import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import type { Core } from '../../src/commands/context.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { createCore } from '../../src/core.js';
import type { CheckResult } from '../../src/engine/result.js';
import { createAlerts } from '../../src/monitor/wiring.js';
import { renderText } from '../../src/render/text.js';
import { Store } from '../../src/store/store.js';
import { ADA, approvalsOnLab, MALLORY } from '../approvals/lab-approvals.js';
import { runOnLab } from '../checks/mailflow/lab-run.js';
import { noAdapters, testConfig } from '../engine/fixtures.js';
import { ANA, alertRig, CHANNEL, labResults, TestClock, WATCHED } from './helpers.js';

const MIN = 60_000;

let healthy: CheckResult[];
let ruleDisabled: CheckResult[];
beforeAll(async () => {
  healthy = await labResults('healthy');
  ruleDisabled = await labResults('catchall-rule-disabled');
});

/** A firing catch-all alert, and `ask` to type verbs as Ana in Slack. */
async function firing() {
  const clock = new TestClock('2026-12-02T10:00:00Z');
  const store = Store.open(':memory:', { now: clock.now });
  const rig = alertRig(store, clock);
  await rig.run(healthy);
  clock.advance(5 * MIN);
  await rig.run(ruleDisabled);
  clock.advance(5 * MIN);
  await rig.run(ruleDisabled);
  const core: Core = createCore({ config: testConfig(), logger: pino({ level: 'silent' }), adapterFactory: () => noAdapters });
  core.alerts = rig.desk;
  core.audit = store.audit;
  const ask = async (text: string) => {
    const reply = await handleCommand(text, { core, actor: ANA });
    await rig.delivery.deliverDue();
    return { reply, text: renderText(reply) };
  };
  const id = rig.desk.list()[0]!.id;
  return { ...rig, clock, store, core, ask, id };
}

describe('the alerts verb', () => {
  it('lists the open alerts, one line each: id, tenant, check, state, since, what', async () => {
    const { ask, id } = await firing();
    const { text } = await ask('alerts');
    expect(text).toContain('1 open alert for contoso, oldest first');
    expect(text).toMatch(
      new RegExp(`${id}  contoso  exchange-catchall-rule  firing  since 10:10 UTC \\(just now\\)  the catch-all rule stopped working`),
    );
    expect((await ask('alerts contoso')).text).toContain(id);
    expect((await ask('alerts fabrikam')).text).toContain('This channel may not run commands about "fabrikam"');
  });

  it('ack: needs a reason; then audited, shown on the root, and listed as acknowledged', async () => {
    const { ask, id, poster, store } = await firing();
    expect((await ask(`alerts ack ${id}`)).text).toContain('`alerts ack` needs a reason');
    const { reply, text } = await ask(`alerts ack ${id} vendor changing IPs`);
    expect(reply.tone).toBe('ok');
    expect(text).toContain(`Acknowledged ${id} (contoso: the catch-all rule stopped working)`);
    expect(poster.updates().at(-1)?.text).toContain('acknowledged by Ana: "vendor changing IPs"');
    expect((await ask('alerts')).text).toContain('acknowledged by Ana');
    expect((await ask('history')).text).toMatch(/alert-acknowledged exchange-catchall-rule {2}- {2}Ana \(slack\) — vendor changing IPs/);
    expect(store.audit.list()[0]).toMatchObject({
      event: 'alert-acknowledged',
      actor: ANA,
      details: { alertId: id, reason: 'vendor changing IPs' },
    });
  });

  it('snooze: a duration up to 7 days and a reason, else one clear sentence; no permanent mute', async () => {
    const { ask, id, poster } = await firing();
    expect((await ask(`alerts snooze ${id} 8d holidays`)).text).toContain(
      'A snooze lasts at most 7 days, not 8d; there is no permanent mute.',
    );
    expect((await ask(`alerts snooze ${id} soon holidays`)).text).toContain(
      '"soon" is not a duration: write a number and a unit, like 30m, 4h or 2d.',
    );
    expect((await ask(`alerts snooze ${id} 4h`)).text).toContain('`alerts snooze` needs a reason');
    expect((await ask(`alerts mute ${id}`)).text).toContain('There is no permanent mute');
    const { text } = await ask(`alerts snooze ${id} 4h waiting for the vendor`);
    expect(text).toContain(`Snoozed ${id} until 14:10 UTC`);
    expect(poster.updates().at(-1)?.text).toContain('snoozed until 14:10 UTC: "waiting for the vendor"');
    expect((await ask('alerts')).text).toContain('snoozed until 14:10 UTC');
  });

  it('refuses an unknown or resolved alert in one sentence, only to the asker', async () => {
    const { ask, id, clock, run } = await firing();
    const unknown = await ask('alerts ack a-00000000 looks fine');
    expect(unknown.reply).toMatchObject({ ephemeral: true, tone: 'error' });
    expect(unknown.text).toContain('There is no alert a-00000000');
    clock.advance(5 * MIN);
    await run(healthy);
    const resolved = await ask(`alerts ack ${id} too late`);
    expect(resolved.text).toContain(`Alert ${id} was resolved at 10:15 UTC; nothing was changed.`);
    expect((await ask('alerts')).text).toContain('No open alerts for contoso.');
  });
});

describe('the alert buttons', () => {
  it("Run check now runs the alert's check through the watcher; Fix refuses a check with no fix", async () => {
    const { desk, id, store, clock, book } = await firing();
    const runs: [string, string[]][] = [];
    const { AlertDesk } = await import('../../src/monitor/alert-actions.js');
    const buttons = new AlertDesk({
      book,
      alerts: store.alerts,
      audit: store.audit,
      now: clock.now,
      runNow: async (t, c) => void runs.push([t, c]),
    });
    const run = await buttons.click({ action: 'run', alertId: id }, ANA, CHANNEL);
    await run.done;
    expect(runs).toEqual([['contoso', ['exchange-catchall-rule']]]);
    expect(run.reply?.summary).toBe('Running `exchange-catchall-rule` for contoso now; the alert follows the result.');
    expect((await desk.click({ action: 'fix', alertId: id }, ANA, CHANNEL)).refusal).toBe(
      'Fixes are approved in chat, where the bot runs with its store.',
    );
    expect((await desk.click({ action: 'snooze', alertId: id, durationMs: 8 * 24 * 60 * MIN }, ANA, CHANNEL)).refusal).toBe(
      'A snooze lasts from 1 minute to 7 days, not 8d; there is no permanent mute.',
    );
    expect((await desk.click({ action: 'acknowledge', alertId: 'a-nope' }, ANA, CHANNEL)).refusal).toContain('There is no alert a-nope');
  });
});

describe("Fix from an alert opens the fix flow's plan, under the same approval policy", () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'catchall-rule-disabled' });
  });
  afterAll(() => lab.stop());

  it("the card with Approve / Reject for the alert's check, and a refusal for someone the policy does not let ask", async () => {
    const clock = new TestClock('2026-12-02T10:00:00Z');
    const store = Store.open(':memory:', { now: clock.now });
    const { core } = approvalsOnLab(lab, { store, policy: { requesters: ['slack:U0LABADA01'] } });
    const { book, desk } = createAlerts(core, store, { logger: pino({ level: 'silent' }), now: clock.now, channelsFor: () => [CHANNEL] });
    const results = (await runOnLab(lab, WATCHED)).checks;
    book.observe({ tenant: core.config.tenants[0]!.name, at: clock.now(), cycle: 1, results });
    clock.advance(5 * MIN);
    book.observe({ tenant: core.config.tenants[0]!.name, at: clock.now(), cycle: 2, results });
    const alert = desk.list().find((a) => a.checkId === 'exchange-catchall-rule')!;
    expect(alert.state).toBe('firing');

    const fix = await desk.click({ action: 'fix', alertId: alert.id }, ADA, CHANNEL);
    expect(fix.refusal).toBeUndefined();
    expect(fix.reply?.blocks).toContainEqual(expect.objectContaining({ type: 'plan-actions', actions: ['approve', 'reject'] }));
    expect(store.plans.openPlans()).toEqual([expect.objectContaining({ checkId: 'exchange-catchall-rule', requester: ADA })]);

    const refused = await desk.click({ action: 'fix', alertId: alert.id }, MALLORY, CHANNEL);
    expect(refused.reply?.summary).toBe(
      'You may not ask for this fix: you may not ask for fixes here: approvals.requesters does not list you.',
    );
    expect(core.alerts).toBe(desk);
  });
});
