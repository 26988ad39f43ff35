import { rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { postSlashCommand } from '../../lab/chat/index.js';
import { type Lab, startLab } from '../../lab/index.js';
import { slackText, waitFor } from '../chat/helpers.js';
import { runCli } from '../lab-e2e/io.js';
import { type BotProcess, clickPlan, slackPlanCard, startBotProcess, writeBotConfig } from './bot-process.js';
import { callsTo } from './lab-approvals.js';

/**
 * The real thing: `mailsetup start` as its own process with a store file, SIGKILLed while the
 * second of two Exchange writes is in flight (the lab holds it back). The next process on the same
 * store shows the plan `interrupted` with what is known applied, and never applies it again.
 */
describe('kill -9 between approval and the end of apply', () => {
  let lab: Lab | undefined;
  const bots: BotProcess[] = [];
  let dir: string | undefined;
  afterEach(async () => {
    for (const bot of bots.splice(0)) if (bot.proc.exitCode === null && bot.proc.signalCode === null) bot.proc.kill('SIGKILL');
    await lab?.stop();
    lab = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('the restarted bot marks the plan interrupted, rewrites its card, audits it, refuses a new click and applies nothing twice', async () => {
    lab = await startLab({ scenario: 'dynamic-group-missing' });
    const setup = await writeBotConfig(lab);
    dir = setup.dir;
    const { slack, base, configPath, storePath } = setup;
    const first = await startBotProcess(configPath, base);
    bots.push(first);

    expect((await postSlashCommand(`${base}/slack/events`, slack, { text: 'fix exchange-dynamic-group' })).status).toBe(200);
    const card = await slackPlanCard(slack);
    expect(slackText(card.message.blocks)).toContain('New-DynamicDistributionGroup');
    expect(slackText(card.message.blocks)).toContain('Set-DynamicDistributionGroup');

    // The second write hangs at the lab: the bot is killed while it waits for the answer.
    lab.inject({ service: 'exchange', match: 'Set-DynamicDistributionGroup', kind: 'latency', ms: 60_000 });
    expect((await clickPlan(`${base}/slack/events`, slack, card, 'U0LABBOB01')).status).toBe(200);
    await waitFor(() => callsTo(lab!, 'Set-DynamicDistributionGroup') === 1, 20_000, 'the second write to reach the lab');
    first.proc.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    expect(callsTo(lab, 'New-DynamicDistributionGroup')).toBe(1);
    expect(slackText(card.message.blocks)).not.toContain('interrupted');

    // What the dead process left in the store: applying, call 1 done, call 2 started.
    const raw = new Database(storePath, { readonly: true });
    const left = raw.prepare('SELECT state FROM plans WHERE id = ?').get(card.planId) as { state: string };
    raw.close();
    expect(left.state).toBe('applying');

    const second = await startBotProcess(configPath, base);
    bots.push(second);
    await waitFor(() => card.message.text.includes('interrupted'), 20_000, 'the card rewritten as interrupted');
    expect(card.message.text).toBe('Fix exchange-dynamic-group on contoso: interrupted — the bot stopped before apply finished');
    const shown = slackText(card.message.blocks);
    expect(shown).toMatch(/\[applied\] 1\. New-DynamicDistributionGroup/);
    expect(shown).toMatch(/\[in flight, outcome unknown\] 2\. Set-DynamicDistributionGroup/);
    expect(shown).toContain('the bot stopped while applying: call(s) 1 applied; call(s) 2 in flight, outcome unknown');
    expect(card.message.blocks.some((b) => (b as { type: string }).type === 'actions')).toBe(false);

    // A late click on the old card (a cached client) changes nothing.
    expect((await clickPlan(`${base}/slack/events`, slack, card, 'U0LABCAR01')).status).toBe(200);
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABCAR01'), 10_000, 'the refusal');
    expect(refusal.text).toBe('This plan is interrupted; nothing was changed by this click.');

    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    // A third start finds nothing to recover and applies nothing.
    const third = await startBotProcess(configPath, base);
    bots.push(third);
    third.proc.kill('SIGTERM');
    await third.exited;
    expect(callsTo(lab, 'New-DynamicDistributionGroup')).toBe(1);
    expect(callsTo(lab, 'Set-DynamicDistributionGroup')).toBe(1);

    // The audit, as `mailsetup history` exports it: interrupted once, with the call log, after applying.
    const history = await runCli(['history', '--config', configPath, '--json', '--limit', '100']);
    expect(history.code).toBe(0);
    const entries = (JSON.parse(history.stdout) as { event: string; planId?: string; details: Record<string, unknown> }[])
      .filter((e) => e.planId === card.planId)
      .reverse();
    expect(entries.map((e) => e.event)).toEqual(['requested', 'approved', 'applying', 'interrupted']);
    expect(entries.at(-1)?.details.results).toEqual([
      { index: 0, state: 'ok' },
      { index: 1, state: 'started' },
    ]);
  }, 240_000);
});
