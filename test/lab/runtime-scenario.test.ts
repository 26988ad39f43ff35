import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { SCENARIOS } from '../../lab/scenarios/index.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { parseConfig } from '../../src/config/load.js';
import type { MailsetupConfig as Config } from '../../src/config/schema.js';
import { createCore } from '../../src/core.js';

/** `status` for one tenant through the real adapters; the non-passing checks by id. */
async function status(config: Config, tenant = 0): Promise<Record<string, string>> {
  const core = createCore({ config, logger: pino({ level: 'silent' }), catalogue: CATALOGUE });
  const { report } = await runReport({ core, actor: { platform: 'cli', userId: 'runtime' } }, config.tenants[tenant]!, CATALOGUE);
  return Object.fromEntries(report.checks.filter((c) => c.status !== 'pass' && c.id !== 'mailflow-e2e').map((c) => [c.id, c.status]));
}

describe('lab.setScenario: the scenario changes at run time, on the same ports and secrets', () => {
  let lab: Lab;
  let config: Config;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    config = parseConfig(lab.config, { env: {} });
  });
  afterAll(() => lab.stop());

  it('healthy → catchall-rule-disabled → healthy: the catch-all rule check fails, then passes again', async () => {
    expect(await status(config)).toEqual({});
    lab.setScenario('catchall-rule-disabled');
    expect(await status(config)).toEqual({ 'exchange-catchall-rule': 'fail' });
    expect(lab.scenarios()).toEqual([{ tenant: 'contoso', scenario: 'catchall-rule-disabled' }]);
    lab.setScenario('healthy');
    expect(await status(config)).toEqual({});
  });

  it('erp-down at run time closes the ERP port (connection refused), and healthy opens it again', async () => {
    lab.setScenario('erp-down');
    const down = await status(config);
    expect(down['erp-reachable']).toBe('error');
    const url = config.tenants[0]!.erp.url;
    await expect(fetch(`${url}/web/webclient/version_info`, { method: 'POST' })).rejects.toMatchObject({
      cause: { code: 'ECONNREFUSED' },
    });
    lab.setScenario('healthy');
    expect(await status(config)).toEqual({});
  });

  it('an unknown scenario or tenant is one sentence naming what exists, and changes nothing', async () => {
    expect(() => lab.setScenario('no-such-thing')).toThrow(/^There is no lab scenario called "no-such-thing"\. Scenarios: healthy, /);
    await expect(startLab({ scenario: 'no-such-thing' })).rejects.toThrow(
      (() => {
        try {
          lab.setScenario('no-such-thing');
        } catch (error) {
          return (error as Error).message;
        }
        return 'unreachable';
      })(),
    );
    expect(() => lab.setScenario('healthy', 'fabrikam')).toThrow('The lab has no tenant called "fabrikam". Tenants: contoso.');
    expect(lab.scenarios()).toEqual([{ tenant: 'contoso', scenario: 'healthy' }]);
  });

  it("mail the MX delivered stays in its mailbox across a switch; a scenario's placed mail goes with it", async () => {
    const catchall = () => lab.state.mail.mailboxes[lab.state.tenant.catchallMailbox]!;
    const box = catchall();
    const delivered = { from: 'probe@outside.test', to: [lab.state.tenant.catchallMailbox] };
    box.messages.push({
      uid: box.uidnext,
      flags: ['\\Seen'],
      internaldate: '01-Dec-2026 10:00:00 +0000',
      receivedAt: 0,
      raw: 'Subject: kept\r\n\r\nx',
      envelope: delivered,
    });
    box.uidnext += 1;
    lab.setScenario('fetchmail-stuck');
    expect(catchall().messages.map((m) => m.uid)).toEqual([1, 2, 3]);
    lab.setScenario('healthy');
    expect(catchall().messages.map((m) => [m.uid, m.raw])).toEqual([[1, 'Subject: kept\r\n\r\nx']]);
    expect(catchall().uidnext).toBe(4);
    expect(await status(config)).toEqual({});
  });
});

/**
 * Every scenario switched to on one running lab gives what starting the lab in it gives (the matrix
 * in test/lab-e2e/matrix.test.ts), for a fresh bot — so the runtime switch leaves nothing behind.
 * One difference is the config's, not the lab's: started in `erp-v19` the lab gives the bot an API
 * key; a switch keeps the healthy config's password, which 19 takes with a warning.
 */
const CONFIG_DIFFERENCES: Record<string, Record<string, string>> = { 'erp-v19': { 'erp-reachable': 'warn' } };

describe('every scenario, switched to at run time, fails exactly what it lists', () => {
  let lab: Lab;
  let config: Config;
  beforeAll(async () => {
    lab = await startLab({ scenario: 'healthy' });
    config = parseConfig(lab.config, { env: {} });
  });
  afterAll(() => lab.stop());

  for (const scenario of SCENARIOS) {
    it(scenario.name, async () => {
      lab.setScenario(scenario.name);
      expect(await status(config)).toEqual(CONFIG_DIFFERENCES[scenario.name] ?? scenario.expect);
    });
  }
});
