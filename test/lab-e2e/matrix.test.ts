import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../lab/index.js';
import { SCENARIOS } from '../../lab/scenarios/index.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';

/**
 * The whole catalogue against every lab scenario: each scenario fails exactly the checks its
 * `expect` lists (any area), everything else passes, and every non-passing check explains itself.
 * That includes mailflow-e2e, which sends real mail through the lab in every scenario.
 */
const catalogue = CATALOGUE;

describe('scenario matrix (whole catalogue)', () => {
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: ${scenario.description}`, async () => {
      const lab = await startLab({ scenario: scenario.name });
      try {
        const config = parseConfig(lab.config, { env: {} });
        const core = createCore({ config, logger: pino({ level: 'silent' }), catalogue });
        const { report } = await runReport({ core, actor: { platform: 'cli', userId: 'matrix' } }, config.tenants[0]!, catalogue);
        const actual = Object.fromEntries(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status]));
        const expected = scenario.expect;
        expect(actual).toEqual(expected);
        for (const c of report.checks.filter((r) => r.status === 'fail' || r.status === 'warn')) {
          expect(c.detail.length, `${c.id} explains itself`).toBeGreaterThan(30);
          expect(c.remediation?.manual, `${c.id} says how to fix it by hand`).toBeTruthy();
        }
        for (const c of report.checks.filter((r) => r.status === 'error')) expect(c.detail, `${c.id}`).toMatch(/\.\s|\.$/);
      } finally {
        await lab.stop();
      }
    });
  }
});
