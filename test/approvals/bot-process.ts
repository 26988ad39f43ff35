import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import { blockActionsPayload, chatLab, postInteraction } from '../../lab/chat/index.js';
import type { FakeSlack, SlackMessageRecord } from '../../lab/chat/slack-api.js';
import type { Lab } from '../../lab/index.js';
import { waitFor } from '../chat/helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * A mailsetup.yaml for the lab with Slack over HTTP on the bot's HTTP listener, a store file on
 * disk, and the lab's people as approvers (ada asks, bob and carol approve). Returns its paths.
 */
export async function writeBotConfig(lab: Lab, approvals: Record<string, unknown> = {}) {
  const chat = chatLab(lab.state);
  if (!chat) throw new Error('the chat lab did not start');
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-fixproc-'));
  const storePath = join(dir, 'mailsetup.db');
  const configPath = join(dir, 'mailsetup.yaml');
  const port = await freePort();
  const config = {
    ...lab.config,
    slack: { ...chat.slackConfig('http'), port: undefined },
    store: { path: storePath },
    http: { host: '127.0.0.1', port },
    log: { level: 'info' },
    approvals: { approvers: ['slack:U0LABBOB01', 'slack:U0LABCAR01'], required: 1, ...approvals },
  };
  writeFileSync(configPath, stringify(JSON.parse(JSON.stringify(config))));
  return { dir, storePath, configPath, base: `http://127.0.0.1:${port}`, slack: chat.slack };
}

export interface BotProcess {
  proc: ChildProcess;
  output: { stdout: string; stderr: string };
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** `mailsetup start --config F` as a real process (through tsx), ready once /healthz answers. */
export async function startBotProcess(configPath: string, base: string): Promise<BotProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'start', '--config', configPath], {
    cwd: ROOT,
    env: { ...process.env, MAILSETUP_CLI_ENTRY: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  proc.stdout?.on('data', (d) => (output.stdout += String(d)));
  proc.stderr?.on('data', (d) => (output.stderr += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const deadline = Date.now() + 60_000;
  for (;;) {
    const ok = await fetch(`${base}/readyz`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) break;
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`the bot did not become ready: ${output.stderr.slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { proc, output, exited };
}

/** The plan card the fake Slack shows, once it has its buttons: the message and the plan id the Approve button carries. */
export async function slackPlanCard(slack: FakeSlack, timeoutMs = 20_000): Promise<{ message: SlackMessageRecord; planId: string }> {
  const message = await waitFor(
    () => slack.messages.find((m) => !m.threadTs && m.blocks.some((b) => (b as { type: string }).type === 'actions')),
    timeoutMs,
    'the plan card',
  );
  const actions = message.blocks.find((b) => (b as { type: string }).type === 'actions') as {
    elements: { action_id: string; value: string }[];
  };
  const approve = actions.elements.find((e) => e.action_id === 'plan_approve');
  if (!approve) throw new Error('no Approve button');
  return { message, planId: approve.value };
}

/** A signed `block_actions` click on the card's button, as Slack posts it to /slack/events. */
export function clickPlan(
  url: string,
  slack: FakeSlack,
  card: { message: { ts: string; channel: string }; planId: string },
  userId: string,
  actionId: 'plan_approve' | 'plan_reject' = 'plan_approve',
) {
  return postInteraction(
    url,
    slack,
    blockActionsPayload(slack, {
      actionId,
      value: card.planId,
      channelId: card.message.channel,
      messageTs: card.message.ts,
      userId,
      userName: userId,
    }),
  );
}
