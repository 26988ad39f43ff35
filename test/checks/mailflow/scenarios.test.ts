import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, SCENARIOS, startLab } from '../../../lab/index.js';
import type { CheckStatus } from '../../../src/engine/result.js';
import { runOnLab } from './lab-run.js';

/** The checks of the live mail probes, whose outcome every scenario now also decides. */
const IDS = ['erp-outgoing-test', 'erp-incoming-test', 'mailflow-imap-login', 'mailflow-fetchmail-backlog'] as const;

/** What scenarios of other areas do to these checks; their `expect` must say the same. */
const MAIL_SIDE: Record<string, Partial<Record<(typeof IDS)[number], CheckStatus>>> = {
  'erp-outgoing-wrong-port': { 'erp-outgoing-test': 'fail' },
  'erp-incoming-basic-auth': { 'erp-incoming-test': 'fail' },
  'erp-down': { 'erp-outgoing-test': 'skip', 'erp-incoming-test': 'skip' },
  'erp-bad-credentials': { 'erp-outgoing-test': 'skip', 'erp-incoming-test': 'skip' },
  'erp-bot-not-admin': { 'erp-outgoing-test': 'error', 'erp-incoming-test': 'error' },
  'connector-ip-missing': { 'erp-outgoing-test': 'fail' },
};

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** Only the scenarios above: the catalogue-wide matrix test runs every scenario. */
describe('scenarios of other areas, seen by the live mail probes', () => {
  for (const scenario of SCENARIOS.filter((s) => s.name in MAIL_SIDE)) {
    it(`${scenario.name}`, async () => {
      lab = await startLab({ scenario: scenario.name });
      const report = await runOnLab(lab, IDS);
      const got = Object.fromEntries(report.checks.map((c) => [c.id, c.status]));
      const wanted = Object.fromEntries(IDS.map((id) => [id, MAIL_SIDE[scenario.name]?.[id] ?? 'pass']));
      expect(got).toEqual(wanted);
      expect(Object.fromEntries(IDS.map((id) => [id, scenario.expect[id] ?? 'pass']))).toEqual(wanted);
      const failing = report.checks.filter((c) => c.status === 'fail');
      expect(failing.map((c) => c.id).sort()).toEqual(IDS.filter((id) => wanted[id] === 'fail').sort());
      for (const c of failing) {
        expect(c.remediation?.manual.length ?? 0).toBeGreaterThan(20);
        expect(c.expected).not.toEqual({});
      }
    });
  }
});
