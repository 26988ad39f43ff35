import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chatLab } from '../../lab/chat/index.js';
import { startLab } from '../../lab/index.js';
import { Store } from '../../src/store/store.js';
import { runCli, writeConfigFile } from '../lab-e2e/io.js';

interface Printed {
  transitions: { tenant: string; checkId: string; kind: string; from: string; to: string; cycle: number }[];
  messages: { alert: string; kind: string; text: string }[];
}

async function dryRun(scenario: string, cycles = 3): Promise<Printed & { code: number }> {
  const run = await runCli(['watch', '--lab', scenario, '--cycles', String(cycles), '--json']);
  expect(run.stderr).toBe('');
  return { ...(JSON.parse(run.stdout) as Printed), code: run.code };
}

const firing = (p: Printed) => p.transitions.filter((t) => t.to === 'firing');

describe('mailsetup watch --lab S --cycles N --json (a dry run of the alert policy)', () => {
  it('catch-all rule disabled: one alert fires at cycle 2, the end-to-end failure joins its thread, nothing else fires', async () => {
    const printed = await dryRun('catchall-rule-disabled');
    expect(firing(printed)).toEqual([
      { tenant: 'contoso', checkId: 'exchange-catchall-rule', kind: 'fail', from: 'pending', to: 'firing', cycle: 2 },
    ]);
    expect(new Set(printed.transitions.map((t) => t.checkId))).toEqual(new Set(['exchange-catchall-rule']));
    const roots = printed.messages.filter((m) => m.kind === 'root');
    expect(roots).toHaveLength(1);
    expect(roots[0]?.text).toMatch(/catch-all rule/i);
    expect(printed.messages.some((m) => m.kind === 'thread' && m.text.includes('mailflow-e2e'))).toBe(true);
    expect(printed.code).toBe(1);
  });

  it('connector IP missing: one alert for exchange-connector-ips', async () => {
    const printed = await dryRun('connector-ip-missing');
    expect(firing(printed)).toEqual([
      { tenant: 'contoso', checkId: 'exchange-connector-ips', kind: 'fail', from: 'pending', to: 'firing', cycle: 2 },
    ]);
    expect(printed.messages.filter((m) => m.kind === 'root')).toHaveLength(1);
  });

  it('healthy: no transition, no message, exit 0', async () => {
    const printed = await dryRun('healthy');
    expect(printed).toEqual({ transitions: [], messages: [], code: 0 });
  });

  it('ERP down: one `error` alert for the ERP, not one per ERP check', async () => {
    const printed = await dryRun('erp-down');
    expect(firing(printed)).toEqual([
      { tenant: 'contoso', checkId: 'erp-reachable', kind: 'error', from: 'pending', to: 'firing', cycle: 2 },
    ]);
    const roots = printed.messages.filter((m) => m.kind === 'root');
    expect(roots).toHaveLength(1);
    expect(roots[0]?.text).toMatch(/cannot check the ERP/);
  });
});

describe('mailsetup watch: usage, --once, pause and resume', () => {
  it('refuses wrong options with one sentence and exit 2, before any lab starts', async () => {
    const cases: [string[], RegExp][] = [
      [['watch', '--cycles', '2'], /--cycles N is a dry run against the lab: add --lab SCENARIO/],
      [['watch', '--lab', 'healthy', '--cycles', 'two'], /--cycles must be a whole number from 1 to 100/],
      [['watch', '--lab', 'healthy', '--once', '--cycles', '2'], /Give --once or --cycles N, not both/],
      [['status', '--lab', 'healthy', '--once'], /--once and --cycles go with `watch`/],
      [['watch', 'pause', 'contoso', '4h'], /`watch pause` needs a tenant, a duration \(e\.g\. 4h\) and a reason/],
      [['watch', 'resume'], /`watch resume` takes exactly one tenant/],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--once --lab healthy runs one cycle and says so', async () => {
    const run = await runCli(['watch', '--once', '--lab', 'healthy']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^1 watch cycle\(s\): 0 alert transition\(s\), 0 message\(s\) in the outbox/);
  });

  it('pause and resume through the store: shown by `watch`, audited, at most 7 days', async () => {
    const lab = await startLab({ scenario: 'healthy' });
    try {
      const dir = mkdtempSync(join(tmpdir(), 'watch-'));
      const file = writeConfigFile({ ...lab.config, store: { path: join(dir, 'mailsetup.db') }, watch: { every: '5m' } });
      const paused = await runCli(['watch', 'pause', 'contoso', '4h', 'vendor', 'changing', 'IPs', '--config', file], {
        env: { USER: 'ana' },
      });
      expect(paused.code).toBe(0);
      expect(paused.stdout).toMatch(/^The watch of contoso is paused for 4h, until .* UTC: vendor changing IPs/);
      const shown = await runCli(['watch', '--config', file, '--json']);
      const table = JSON.parse(shown.stdout).blocks[0];
      expect(table.rows[0]).toEqual(['contoso', 'paused', 'not yet', expect.stringMatching(/^until .* UTC: vendor changing IPs \(ana\)$/)]);
      // `--once` honours the pause: no run.
      const once = await runCli(['watch', '--once', '--config', file, '--json']);
      expect(JSON.parse(once.stdout)).toEqual({ transitions: [], messages: [], delivery: { sent: 0, failed: 0, waiting: 0 } });
      const tooLong = await runCli(['watch', 'pause', 'contoso', '8d', 'holiday', '--config', file]);
      expect(tooLong.code).toBe(2);
      expect(tooLong.stderr).toMatch(/A pause lasts at most 7 days, not 8d\./);
      const resumed = await runCli(['watch', 'resume', 'contoso', '--config', file]);
      expect(resumed.stdout).toMatch(/^The watch of contoso runs again \(it was paused until .*: vendor changing IPs\)\./);
      const again = await runCli(['watch', 'resume', 'contoso', '--config', file]);
      expect(again.stdout).toMatch(/^The watch of contoso was not paused\./);
      // Both audited with who and why.
      const { Store } = await import('../../src/store/store.js');
      const store = Store.open(join(dir, 'mailsetup.db'));
      const audited = store.audit.list({ tenant: 'contoso' }).map((e) => [e.event, e.actor?.userId, e.details.reason]);
      store.close();
      expect(audited).toEqual([
        ['watch-resumed', 'cli', 'vendor changing IPs'],
        ['watch-paused', 'ana', 'vendor changing IPs'],
      ]);
      const once2 = await runCli(['watch', '--once', '--config', file, '--json']);
      expect(once2.code).toBe(0);
      const after = JSON.parse((await runCli(['watch', '--config', file, '--json'])).stdout).blocks[0];
      expect(after.rows[0][2]).toMatch(/: 0 fail, 0 error, \d+ warn, \d+ pass, \d+ skip$/);
    } finally {
      await lab.stop();
    }
  });
});

describe('mailsetup watch --once --config from cron posts its own alerts', () => {
  const ALERTS = 'C0CRONALERTS';

  async function cronLab() {
    const lab = await startLab({ scenario: 'catchall-rule-disabled' });
    const chat = chatLab(lab.state);
    if (!chat) throw new Error('the chat lab did not start');
    const [contoso] = lab.config.tenants as Record<string, unknown>[];
    const storePath = join(mkdtempSync(join(tmpdir(), 'watch-cron-')), 'mailsetup.db');
    const file = writeConfigFile({
      ...lab.config,
      tenants: [{ ...contoso, alerts: { slack: [ALERTS] } }],
      slack: chat.slackConfig('socket'),
      store: { path: storePath },
      watch: { every: '5m', e2eEvery: 'off' },
    });
    const once = async () => {
      const run = await runCli(['watch', '--once', '--config', file, '--json']);
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as Printed & { delivery: { sent: number; failed: number; waiting: number; heldBy?: unknown } };
    };
    const roots = () => chat.slack.messages.filter((m) => m.channel === ALERTS && !m.threadTs);
    return { lab, once, roots, storePath, file };
  }

  it('the second failing run posts the root to Slack, once; a third posts no new root', async () => {
    const { lab, once, roots } = await cronLab();
    try {
      const first = await once();
      expect(first.transitions.map((t) => `${t.checkId} ${t.from}→${t.to}`)).toEqual(['exchange-catchall-rule ok→pending']);
      expect(roots()).toHaveLength(0);
      const second = await once();
      expect(second.transitions.map((t) => `${t.checkId} ${t.from}→${t.to}`)).toEqual(['exchange-catchall-rule pending→firing']);
      expect(second.delivery).toEqual({ sent: 1, failed: 0, waiting: 0 });
      expect(roots()).toHaveLength(1);
      expect(roots()[0]?.text).toContain('contoso: the catch-all rule stopped working');
      await once();
      expect(roots()).toHaveLength(1);
    } finally {
      await lab.stop();
    }
  });

  it('leaves the posting to a bot that is delivering from the same store, and says so', async () => {
    const { lab, once, roots, storePath, file } = await cronLab();
    try {
      await once();
      // The bot (a live process on this host) is in the middle of a delivery pass.
      const bot = Store.open(storePath);
      expect(bot.outbox.claimDelivery({ holder: 'the-bot', host: hostname(), pid: process.pid }, 10 * 60_000, () => false)).toBe(true);
      const second = await once();
      expect(second.delivery).toEqual({ sent: 0, failed: 0, waiting: 1, heldBy: { host: hostname(), pid: process.pid } });
      expect(roots()).toHaveLength(0);
      const text = await runCli(['watch', '--once', '--config', file]);
      expect(text.stdout).toContain(
        `Posted nothing: another mailsetup process (pid ${process.pid} on ${hostname()}) is delivering from this store`,
      );
      bot.outbox.releaseDelivery('the-bot');
      bot.close();
      // The bot's pass is over: the next run posts the waiting root, once.
      expect((await once()).delivery).toEqual({ sent: 1, failed: 0, waiting: 0 });
      expect(roots()).toHaveLength(1);
    } finally {
      await lab.stop();
    }
  });

  it('refuses to run a cycle beside a bot that runs the watch on the same store, and says why', async () => {
    const { lab, storePath, file, roots } = await cronLab();
    try {
      const store = Store.open(storePath);
      // Another live process (this test's parent) said a minute ago that it watches this store.
      const beat = (pid: number, at: Date) =>
        store.set('watch-runner', { host: hostname(), pid, everyMs: 5 * 60_000, at: at.toISOString() });
      beat(process.ppid, new Date(Date.now() - 60_000));
      const refused = await runCli(['watch', '--once', '--config', file]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`The bot (pid ${process.ppid} on ${hostname()}) runs the watch on this store`);
      expect(refused.stderr).toContain('count each failure twice');
      expect(lab.state.requests.some((r) => r.service === 'erp')).toBe(false);
      // Its last word is older than two intervals (it stopped without saying so): the cycle runs.
      beat(process.ppid, new Date(Date.now() - 11 * 60_000));
      expect((await runCli(['watch', '--once', '--config', file])).code).toBe(1);
      expect(lab.state.requests.some((r) => r.service === 'erp')).toBe(true);
      store.close();
      expect(roots()).toHaveLength(0);
    } finally {
      await lab.stop();
    }
  });
});
