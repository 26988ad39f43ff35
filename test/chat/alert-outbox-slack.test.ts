import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { blockActionsPayload, postInteraction, viewSubmissionPayload } from '../../lab/chat/clients.js';
import { type FakeSlack, startFakeSlack } from '../../lab/chat/slack-api.js';
import type { LabTraffic } from '../../lab/faults.js';
import { SlackBot } from '../../src/chat/slack/slack-bot.js';
import { CATALOGUE } from '../../src/checks/registry.js';
import type { ServicesConfig } from '../../src/config/schema.js';
import { Secret } from '../../src/config/secret.js';
import type { CheckResult } from '../../src/engine/result.js';
import { AlertDesk } from '../../src/monitor/alert-actions.js';
import { StoredAlertBook } from '../../src/monitor/alert-book.js';
import { StoredOutboxDelivery } from '../../src/monitor/outbox-delivery.js';
import { Store } from '../../src/store/store.js';
import { labResults, TestClock } from '../monitor/helpers.js';
import { slackText, waitFor } from './helpers.js';

const CHANNEL = 'C0LABALERT';

let healthy: CheckResult[];
let ruleDisabled: CheckResult[];
beforeAll(async () => {
  healthy = await labResults('healthy');
  ruleDisabled = await labResults('catchall-rule-disabled');
}, 60_000);

/**
 * The real alert book, outbox and desk (on one store and a test clock), delivering through the
 * Slack front end's poster to the fake Web API, and taking clicks through /slack/events.
 */
describe('the alert outbox delivers through the Slack poster; buttons reach the real desk', () => {
  let slack: FakeSlack;
  let bot: SlackBot | undefined;
  let store: Store;

  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    store.close();
    await slack.stop();
  });

  async function rig() {
    const traffic: LabTraffic = { faults: [], requests: [] };
    slack = await startFakeSlack(traffic);
    const clock = new TestClock('2026-12-02T09:55:00Z');
    store = Store.open(':memory:', { now: clock.now });
    const book = new StoredAlertBook({
      alerts: store.alerts,
      outbox: store.outbox,
      channelsFor: () => [{ platform: 'slack', conversationId: CHANNEL }],
      catalogue: CATALOGUE,
      domainOf: () => 'contoso.test',
    });
    const delivery = new StoredOutboxDelivery({ outbox: store.outbox, now: clock.now, baseBackoffMs: 1000 });
    const desk = new AlertDesk({ book, alerts: store.alerts, audit: store.audit, now: clock.now, deliver: () => delivery.deliverDue() });
    bot = new SlackBot({
      config: {
        slack: {
          botToken: new Secret(slack.identity.botToken, 'inline'),
          signingSecret: new Secret(slack.identity.signingSecret, 'inline'),
          mode: 'http',
          port: 0,
        },
        services: { slackApiUrl: slack.apiUrl } as ServicesConfig,
      },
      handleCommand: async () => ({ summary: 'unused', tone: 'info', blocks: [] }),
      store,
      logger: pino({ level: 'silent' }),
      host: '127.0.0.1',
      alerts: {
        click: (button, actor, place) => desk.click(button, actor, place),
        setPoster: (p, poster) => delivery.setPoster(p, poster),
      },
    });
    const url = `http://127.0.0.1:${(await bot.start()).port}/slack/events`;
    let cycle = 0;
    const run = async (results: CheckResult[]) => {
      book.observe({ tenant: 'contoso', at: clock.now(), cycle: ++cycle, results });
      return delivery.deliverDue();
    };
    return { traffic, clock, run, url, delivery };
  }

  it('rule disabled twice → one root with buttons; Acknowledge through the modal; recovery → a broadcast thread reply and the root green', async () => {
    const { clock, run, url } = await rig();
    await run(healthy);
    clock.set('2026-12-02T10:00:00Z');
    await run(ruleDisabled);
    expect(slack.messages).toHaveLength(0);
    clock.set('2026-12-02T10:05:00Z');
    expect(await run(ruleDisabled)).toMatchObject({ sent: 1, failed: 0 });

    const roots = slack.messages.filter((m) => !m.threadTs);
    expect(roots).toHaveLength(1);
    const root = roots[0]!;
    expect(root.channel).toBe(CHANNEL);
    const shown = slackText(root.blocks);
    expect(shown).toContain('contoso: the catch-all rule stopped working');
    expect(shown).toContain('`State` Enabled → Disabled');
    const actions = root.blocks.find((b) => (b as { type: string }).type === 'actions') as {
      elements: { action_id: string; value?: string }[];
    };
    expect(actions.elements.map((e) => e.action_id)).toEqual(['alert_ack', 'alert_snooze', 'alert_fix', 'alert_run']);
    const alertId = actions.elements[0]?.value as string;
    expect(alertId).toMatch(/^a-/);

    await postInteraction(
      url,
      slack,
      blockActionsPayload(slack, {
        actionId: 'alert_ack',
        value: alertId,
        channelId: CHANNEL,
        messageTs: root.ts,
        userId: 'U0LABBOB01',
        userName: 'bob',
      }),
    );
    const modal = await waitFor(() => slack.modals[0], 3000, 'the modal');
    await postInteraction(
      url,
      slack,
      viewSubmissionPayload(slack, modal, { reason: 'vendor changing IPs' }, { id: 'U0LABBOB01', name: 'bob' }),
    );
    await waitFor(() => slackText(root.blocks).includes('acknowledged by bob'), 5000, 'the acknowledged root');
    expect(slackText(root.blocks)).toContain('acknowledged by bob: "vendor changing IPs"');
    expect(store.audit.list({ limit: 10 }).find((e) => e.event === 'alert-acknowledged')).toMatchObject({
      actor: { platform: 'slack', userId: 'U0LABBOB01' },
      details: { alertId, reason: 'vendor changing IPs' },
    });

    clock.set('2026-12-02T10:40:00Z');
    await run(healthy);
    const replies = slack.messages.filter((m) => m.threadTs === root.ts);
    expect(replies.map((m) => m.broadcast ?? false)).toEqual([true]);
    expect(replies[0]?.text).toMatch(/resolved/i);
    expect(slackText(root.blocks).split('\n')[0]).toMatch(/^✅/);
    expect(slack.messages.filter((m) => !m.threadTs)).toHaveLength(1);
  }, 60_000);

  it('a Slack 429 on the root: the outbox waits out Retry-After, then delivers it once', async () => {
    const { traffic, clock, run, delivery } = await rig();
    await run(healthy);
    clock.set('2026-12-02T10:00:00Z');
    await run(ruleDisabled);
    traffic.faults.push({ service: 'slack', match: 'chat.postMessage', kind: 'status', status: 429, retryAfterSeconds: 30, times: 1 });
    clock.set('2026-12-02T10:05:00Z');
    expect(await run(ruleDisabled)).toMatchObject({ sent: 0, waiting: 1 });
    expect(slack.messages).toHaveLength(0);
    clock.advance(10_000);
    expect(await delivery.deliverDue()).toMatchObject({ sent: 0 });
    expect(traffic.requests.filter((r) => r.key === 'POST /api/chat.postMessage')).toHaveLength(1);
    clock.advance(25_000);
    expect(await delivery.deliverDue()).toMatchObject({ sent: 1 });
    expect(await delivery.deliverDue()).toMatchObject({ sent: 0 });
    expect(slack.messages.filter((m) => !m.threadTs)).toHaveLength(1);
  }, 60_000);
});
