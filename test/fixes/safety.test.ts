import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, SCENARIOS, startLab } from '../../lab/index.js';
import { findPlanner, PLANNERS } from '../../src/checks/fixes.js';
import type { CheckStatus, Report } from '../../src/engine/result.js';
import { catalogue, runOnLab } from '../checks/mailflow/lab-run.js';
import { applyOnLab, planOnLab } from './lab-fix.js';

/**
 * The remediation-safety rule (issue 8, DESIGN §4): for every scenario and every failing or warning
 * check with a planner, applying the plan to that state leaves every other check as it was or
 * better, and the fixed check better. mailflow-e2e is left out: it sends real mail through the loop
 * on every run, which the comparison does not need (its hops are the other checks).
 */
const RANK: Record<CheckStatus, number> = { pass: 3, warn: 2, skip: 1, fail: 0, error: 0 };
const IDS = catalogue.map((c) => c.meta.id).filter((id) => id !== 'mailflow-e2e');

/** Where the bot rightly will not plan: what the refusal must say. Every other candidate must plan. */
const REFUSED: Record<string, RegExp> = {
  'mailbox-unlicensed exchange-catchall-mailbox': /no licence with Exchange Online.*not something the bot does/,
  'connector-extra-ip exchange-connector-ips': /separate plan.*fix exchange-connector-ips --remove-extra/,
  'erp-incoming-basic-auth erp-incoming-test': /would fail the same way.*fix the cause first/,
  'mailbox-imap-disabled erp-incoming-test': /would fail the same way.*fix the cause first/,
  'connector-range exchange-connector-ips': /separate plan.*fix exchange-connector-ips --remove-extra/,
  'connector-certificate-foreign exchange-connector-ips': /certificate name .* not in an accepted domain.*cannot issue/,
  'dynamic-group-missing exchange-catchall-rule': /DynamicAllUsers is no recipient.*fix exchange-dynamic-group first/,
};

/** Planners whose check no lab scenario breaks (their unit tests cover them). */
const NO_SCENARIO = ['erp-error-notice-template'];

const statuses = (report: Report) => Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const candidates = SCENARIOS.flatMap((scenario) =>
  Object.entries(scenario.expect)
    .filter(([id, status]) => (status === 'fail' || status === 'warn') && findPlanner(id))
    .flatMap(([id]) => [
      { scenario: scenario.name, checkId: id, removeExtra: false },
      ...(id === 'exchange-connector-ips' && scenario.expect[id] === 'warn'
        ? [{ scenario: scenario.name, checkId: id, removeExtra: true }]
        : []),
    ]),
);

describe('remediation safety: a planned fix never makes another check worse', () => {
  it('exercises every planner but those no scenario breaks', () => {
    const covered = new Set(candidates.map((c) => c.checkId));
    expect(PLANNERS.map((p) => p.checkId).filter((id) => !covered.has(id))).toEqual(NO_SCENARIO);
  });
  for (const c of candidates) {
    const name = `${c.scenario}: fix ${c.checkId}${c.removeExtra ? ' --remove-extra' : ''}`;
    const refusal = c.removeExtra ? undefined : REFUSED[`${c.scenario} ${c.checkId}`];
    if (refusal) {
      it(`${name} is refused with a reason`, async () => {
        lab = await startLab({ scenario: c.scenario });
        expect(await planOnLab(lab, c.checkId)).toEqual({ refused: expect.stringMatching(refusal) });
      }, 120_000);
      continue;
    }
    it(name, async () => {
      lab = await startLab({ scenario: c.scenario });
      const before = statuses(await runOnLab(lab, IDS));
      expect(['fail', 'warn']).toContain(before[c.checkId]);
      const plan = await planOnLab(lab, c.checkId, { removeExtra: c.removeExtra });
      expect(plan).not.toHaveProperty('refused');
      await applyOnLab(lab, plan);
      const after = statuses(await runOnLab(lab, IDS));
      const worse = IDS.filter((id) => RANK[after[id] as CheckStatus] < RANK[before[id] as CheckStatus]).map(
        (id) => `${id}: ${before[id]} → ${after[id]}`,
      );
      expect(worse).toEqual([]);
      expect({ [c.checkId]: RANK[after[c.checkId] as CheckStatus] > RANK[before[c.checkId] as CheckStatus] }).toEqual({
        [c.checkId]: true,
      });
    }, 120_000);
  }
});
