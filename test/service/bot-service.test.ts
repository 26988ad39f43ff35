import { PassThrough, Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { chatLab, postActivity, postSlashCommand, teamsActivity } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import { type App, startApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { Metrics } from '../../src/service/metrics.js';
import { SchedulerHeartbeat } from '../../src/service/scheduler-heartbeat.js';
import { captureLogger, waitFor } from '../chat/helpers.js';

/** The running bot (startApp) as a service sees it: one HTTP port for probes, metrics and chat. */
describe('the bot as a service', () => {
  let lab: Lab | undefined;
  let app: App | undefined;
  afterEach(async () => {
    await app?.stop();
    await lab?.stop();
    app = undefined;
    lab = undefined;
  });

  async function startBot(scenario: string, extra: Record<string, unknown> = {}) {
    lab = await startLab({ scenario });
    const chat = chatLab(lab.state)!;
    // Slack in HTTP mode without a port of its own: /slack/events is served on http.port.
    const slack = { ...chat.slackConfig('http'), port: undefined };
    const config = parseConfig({ ...lab.config, slack, ...extra }, { env: {} });
    const input = new PassThrough();
    input.end();
    const { logger, lines } = captureLogger();
    app = await startApp({
      config,
      input,
      output: new Writable({ write: (_c, _e, cb) => cb() }),
      interactive: false,
      console: false,
      logger,
      metrics: new Metrics({ processMetrics: false }),
    });
    const base = `http://127.0.0.1:${app.ports.http}`;
    return { base, chat, lines, app };
  }

  async function slashStatus(base: string, chat: NonNullable<ReturnType<typeof chatLab>>) {
    const res = await postSlashCommand(`${base}/slack/events`, chat.slack, { text: 'status' });
    expect(res.status).toBe(200);
    return waitFor(
      () =>
        chat.slack.calls.find(
          (c) =>
            c.method === 'chat.update' &&
            /failing|passing/.test(String(c.args.text ?? '')) &&
            !/^(Checking|Working)/.test(String(c.args.text)),
        ),
      20_000,
      'the final status',
    );
  }

  it('answers Slack, /healthz, /readyz and /metrics on the one HTTP port', async () => {
    const { base, chat } = await startBot('connector-ip-missing');
    expect(app?.ports.slack).toBeUndefined();
    const final = await slashStatus(base, chat);
    expect(String(final.args.text)).toMatch(/^\d+ failing, \d+ passing.* — connector IPs/);

    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });

    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toContain('mailsetup_commands_total{verb="status",outcome="failing"} 1');
    expect(text).toMatch(/mailsetup_command_duration_seconds_count\{verb="status"\} 1/);
    expect(text).toContain('mailsetup_check_results_total{check="exchange-connector-ips",status="fail"} 1');
    expect(text).toMatch(/mailsetup_outside_calls_total\{service="exchange"\} [1-9]/);
    expect(text).toMatch(/mailsetup_outside_calls_total\{service="erp"\} [1-9]/);
    expect(text).toMatch(/mailsetup_run_duration_seconds_count\{kind="status"\} 1/);
  }, 40_000);

  it('counts and logs a failed outside read by service and code, under the command run id', async () => {
    const { base, chat, lines } = await startBot('erp-down');
    await slashStatus(base, chat);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/mailsetup_outside_errors_total\{service="erp",code="Adapter\w+"\} [1-9]/);

    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    const command = records.find((r) => r.verb === 'status' && r.outcome !== undefined);
    expect(command).toMatchObject({
      verb: 'status',
      tenant: 'contoso',
      outcome: 'error',
      actor: { platform: 'slack', userId: expect.any(String) },
    });
    expect(command?.durationMs).toEqual(expect.any(Number));
    const failure = records.find((r) => r.msg === 'outside call failed' && r.service === 'erp');
    expect(failure).toMatchObject({ service: 'erp', code: expect.stringMatching(/^Adapter/), runId: command?.runId });
    expect(typeof command?.runId).toBe('string');
  }, 40_000);

  it('mounts Teams /api/messages on the HTTP port when teams.port is not set', async () => {
    const { base } = await startBot('healthy', {
      teams: {
        appId: '11111111-2222-3333-4444-555555555555',
        appPassword: 'lab-app-password',
        tenantId: '00000000-0000-0000-0000-000000000001',
      },
    });
    // Mounted: Teams' endpoint answers (an unsigned activity is refused), rather than 404.
    const res = await postActivity(`${base}/api/messages`, teamsActivity({ text: 'status', serviceUrl: 'http://127.0.0.1:1/' }));
    expect(res.status).toBe(401);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
  }, 40_000);

  it('runs the flush hooks at stop while the store is still open, then closes the store', async () => {
    const { app: running } = await startBot('healthy');
    const seen: boolean[] = [];
    running.service.onFlush('outbox', async () => {
      seen.push(running.store.isOpen);
    });
    await running.stop();
    expect(seen).toEqual([true]);
    expect(running.store.isOpen).toBe(false);
  }, 40_000);

  it('reports not ready, with the reason, when the store is closed', async () => {
    const { base } = await startBot('healthy');
    app?.store.close();
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({ status: 'not ready', reasons: ['the store is closed'] });
  }, 40_000);
});

describe('the scheduler heartbeat', () => {
  it('is ready within two intervals of the last tick, and says how late it is after', () => {
    let now = 1_000_000;
    const metrics = new Metrics({ processMetrics: false });
    const heartbeat = new SchedulerHeartbeat({ intervalMs: 5 * 60_000, metrics, now: () => now });
    expect(heartbeat.probe()).toBeUndefined();
    now += 11 * 60_000;
    expect(heartbeat.probe()).toBe('the scheduler has not ticked since start (interval 5 min)');
    heartbeat.ticked({ dueAt: new Date(now - 30_000) });
    expect(heartbeat.probe()).toBeUndefined();
    now += 12 * 60_000;
    expect(heartbeat.probe()).toBe('the scheduler last ticked 12 min ago (interval 5 min)');
  });

  it('sets the scheduler lag gauge from the due time', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const heartbeat = new SchedulerHeartbeat({ intervalMs: 60_000, metrics, now: () => 100_000 });
    heartbeat.ticked({ dueAt: new Date(97_500) });
    expect(await metrics.text()).toContain('mailsetup_scheduler_lag_seconds 2.5');
  });
});
