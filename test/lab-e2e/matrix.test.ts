import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../lab/index.js';
import { SCENARIOS } from '../../lab/scenarios/index.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';
import { SCENARIO_CAUSES } from './matrix-causes.js';

/**
 * The whole catalogue against every lab scenario: each scenario fails exactly the checks its
 * `expect` lists (any area), everything else passes, and every non-passing check explains itself.
 * `status` sends no mail: the lab's MX takes no message, no mailbox and no lead changes, and
 * mailflow-e2e (with no earlier `test-email`) is a skip. test/e2e/scenarios.test.ts runs `test-email`
 * per scenario.
 */
const catalogue = CATALOGUE;

describe('scenario matrix (whole catalogue)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.description}`, async () => {
      const lab = await startLab({ scenario: scenario.name });
      try {
        const config = parseConfig(lab.config, { env: {} });
        const core = createCore({ config, logger: pino({ level: 'silent' }), catalogue });
        // Every mail the lab's MX delivers takes the next UID of some mailbox (deleting it does not give the UID back).
        const mailboxes = () => Object.entries(lab.state.mail.mailboxes).map(([address, box]) => [address, box.uidnext]);
        const before = { mailboxes: mailboxes(), leads: lab.state.erp.leads.length };
        const { report } = await runReport({ core, actor: { platform: 'cli', userId: 'matrix' } }, config.tenants[0]!, catalogue);

        expect(mailboxes(), 'mail delivered by the MX').toEqual(before.mailboxes);
        expect(lab.state.erp.leads.length).toBe(before.leads);
        // Skipped: no result yet (run `test-email`), or a check it depends on did not pass.
        const blocked = report.checks.some((c) => ['erp-reachable', 'mailflow-imap-login'].includes(c.id) && c.status !== 'pass');
        expect(report.checks.find((c) => c.id === 'mailflow-e2e')).toMatchObject(
          blocked
            ? { status: 'skip', skipReason: 'dependency-failed' }
            : { status: 'skip', skipReason: 'not-applicable', detail: expect.stringContaining('run `test-email`') },
        );

        const actual = Object.fromEntries(
          report.checks.filter((c) => c.status !== 'pass' && c.id !== 'mailflow-e2e').map((c) => [c.id, c.status]),
        );
        const expected = scenario.expect;
        expect(actual).toEqual(expected);
        for (const c of report.checks.filter((r) => r.status === 'fail' || r.status === 'warn')) {
          expect(c.detail.length, `${c.id} explains itself`).toBeGreaterThan(30);
          expect(c.remediation?.manual, `${c.id} says how to fix it by hand`).toBeTruthy();
        }
        for (const c of report.checks.filter((r) => r.status === 'error')) expect(c.detail, `${c.id}`).toMatch(/\.\s|\.$/);
        // Each failing check names its real cause: the mapped code when it has one, else its detail.
        const causes = SCENARIO_CAUSES[scenario.name] ?? {};
        const judged = report.checks.filter((c) => c.status === 'fail' || c.status === 'warn' || c.status === 'error');
        expect(Object.keys(causes).sort(), 'every non-passing check has its cause in matrix-causes.ts').toEqual(
          judged.map((c) => c.id).sort(),
        );
        for (const c of judged) expect(c.cause?.code ?? c.detail, `${c.id}'s cause`).toMatch(causes[c.id] as RegExp);
      } finally {
        await lab.stop();
      }
    });
  }
});
