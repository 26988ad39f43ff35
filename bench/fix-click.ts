import pino from 'pino';
import { blockActionsPayload, chatLab, postInteraction, postSlashCommand } from '../lab/chat/index.js';
import type { FakeSlack, SlackMessageRecord } from '../lab/chat/slack-api.js';
import { startLab } from '../lab/index.js';
import { createApprovals } from '../src/approvals/wiring.js';
import type { ChatCommandHandler } from '../src/chat/front-end.js';
import { SlackBot } from '../src/chat/slack/slack-bot.js';
import { handleCommand } from '../src/commands/dispatch.js';
import { parseConfig } from '../src/config/load.js';
import { createCore } from '../src/core.js';
import { Store } from '../src/store/store.js';

/**
 * Issue "Approval-gated fixes": a signed `block_actions` Approve is acknowledged within 300 ms, and
 * the card says "applied · verified" within 2 s — re-read, basis compared, Set-InboundConnector (`--remove-extra`: add the ERP's IP, drop the stale one),
 * the check and its dependents re-run. Against the lab (connector-ip-missing, 40 ms per outside
 * call), `required: 1`, bob approving ada's plan. Baselines from the same run and the same bot: the
 * same click with an unknown plan id (refused at once) for the ack, and `check exchange-connector-ips`
 * through the dispatcher (the work the fix repeats after applying) for the whole.
 */
export interface FixClickResult {
  repeats: number;
  ackMedianMs: number;
  ackP95Ms: number;
  doneMedianMs: number;
  doneP95Ms: number;
  refusalAckMedianMs: number;
  checkMedianMs: number;
  /** ack / the refused click's ack; done / one check. */
  ackToRefusal: number;
  doneToCheck: number;
}

export async function measureFixClick(repeats = 7): Promise<FixClickResult> {
  const services = ['erp', 'token', 'graph', 'exchange', 'dns', 'mx', 'imap'] as const;
  const lab = await startLab({
    scenario: 'connector-ip-missing',
    faults: services.map((service) => ({ service, kind: 'latency' as const, ms: 40 })),
  });
  const chat = chatLab(lab.state);
  if (!chat) throw new Error('the chat lab did not start');
  const slack = chat.slack;
  const config = parseConfig(
    { ...lab.config, slack: chat.slackConfig('http', 0), approvals: { approvers: ['slack:U0LABBOB01'], required: 1 } },
    { env: {} },
  );
  const logger = pino({ level: 'silent' });
  const store = Store.open(':memory:');
  const core = createCore({ config, logger, store });
  const approvals = createApprovals(core, store, logger);
  const dispatch: ChatCommandHandler = (text, ctx) => handleCommand(text, { ...ctx, core });
  const bot = new SlackBot({ config, handleCommand: dispatch, store, approvals, logger, host: '127.0.0.1' });
  const url = `http://127.0.0.1:${(await bot.start()).port}/slack/events`;
  await approvals.start();
  // The scenario's stale connector entries, put back before each repeat so every plan has work to do.
  const connectors = lab.state.microsoft.exchange.inboundConnectors;
  const stale = connectors.map((c) => [...c.SenderIPAddresses]);
  const acks: number[] = [];
  const dones: number[] = [];
  const refusals: number[] = [];
  const checks: number[] = [];
  try {
    for (let i = 0; i < repeats; i++) {
      connectors.forEach((c, n) => {
        c.SenderIPAddresses = [...(stale[n] as string[])];
      });

      // Baseline 1: the same check run by the dispatcher (what the fix re-runs after applying), no chat in between.
      const checkStarted = performance.now();
      await handleCommand('check exchange-connector-ips', { core, actor: { platform: 'slack', userId: 'U0LABADA01' } });
      checks.push(performance.now() - checkStarted);

      // Baseline 2: the same click on a plan id that does not exist: refused at once.
      const refusedAt = performance.now();
      await click(url, slack, { channel: 'C0LABOPS01', ts: '1700000000.000001' }, 'p-no-such-plan');
      refusals.push(performance.now() - refusedAt);

      // The measured click.
      const card = await planCard(url, slack);
      const startedWall = Date.now();
      const started = performance.now();
      const answer = await click(url, slack, card.message, card.planId);
      acks.push(performance.now() - started);
      if (answer.status !== 200) throw new Error(`the click was answered ${answer.status}`);
      await until(() => card.message.versions.find((v) => v.text.includes('applied · verified')), 10_000);
      const verified = card.message.versions.find((v) => v.text.includes('applied · verified'));
      dones.push((verified?.at ?? Date.now()) - startedWall);
    }
  } finally {
    await bot.stop();
    await approvals.stop();
    store.close();
    await lab.stop();
  }
  const median = (xs: number[]) => quantile(xs, 0.5);
  const r = (x: number) => Math.round(x);
  return {
    repeats,
    ackMedianMs: r(median(acks)),
    ackP95Ms: r(quantile(acks, 0.95)),
    doneMedianMs: r(median(dones)),
    doneP95Ms: r(quantile(dones, 0.95)),
    refusalAckMedianMs: r(median(refusals)),
    checkMedianMs: r(median(checks)),
    ackToRefusal: Math.round((median(acks) / median(refusals)) * 100) / 100,
    doneToCheck: Math.round((median(dones) / median(checks)) * 100) / 100,
  };
}

/** The rows bench/run.ts prints: each budget as a ratio, with the same run's baselines. */
export async function fixClickRows(): Promise<{ budget: string; measured: string; ratio: number; limit: number }[]> {
  const m = await measureFixClick();
  const ratio = (ms: number, budget: number) => Math.round((ms / budget) * 100) / 100;
  return [
    {
      budget: 'fix: Approve click acknowledged within 300 ms',
      measured: `ack median ${m.ackMedianMs} ms, p95 ${m.ackP95Ms} ms over ${m.repeats} clicks; a refused click (unknown plan) ${m.refusalAckMedianMs} ms (ratio ${m.ackToRefusal})`,
      ratio: ratio(m.ackP95Ms, 300),
      limit: 1,
    },
    {
      budget: 'fix: click → card "applied · verified" within 2 s',
      measured: `median ${m.doneMedianMs} ms, p95 ${m.doneP95Ms} ms; one run of the check ${m.checkMedianMs} ms (ratio ${m.doneToCheck})`,
      ratio: ratio(m.doneP95Ms, 2000),
      limit: 1,
    },
  ];
}

/** `fix exchange-connector-ips --remove-extra` as ada (adds the ERP's IP and drops the stale one, so the re-check passes); resolves with the card once it has its buttons. */
async function planCard(url: string, slack: FakeSlack): Promise<{ message: SlackMessageRecord; planId: string }> {
  const before = slack.messages.length;
  await postSlashCommand(url, slack, { text: 'fix exchange-connector-ips --remove-extra' });
  const message = await until(() =>
    slack.messages.slice(before).find((m) => !m.threadTs && m.blocks.some((b) => (b as { type: string }).type === 'actions')),
  );
  const actions = message.blocks.find((b) => (b as { type: string }).type === 'actions') as { elements: { value: string }[] };
  return { message, planId: actions.elements[0]?.value as string };
}

function click(url: string, slack: FakeSlack, message: { channel: string; ts: string }, planId: string) {
  return postInteraction(
    url,
    slack,
    blockActionsPayload(slack, {
      actionId: 'plan_approve',
      value: planId,
      channelId: message.channel,
      messageTs: message.ts,
      userId: 'U0LABBOB01',
      userName: 'bob',
    }),
  );
}

function quantile(xs: number[], q: number): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

async function until<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('the fake Slack did not receive the expected call in time');
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}
