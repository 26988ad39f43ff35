import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { postActivity, postSlashCommand, teamsActivity, teamsCardAction } from '../../lab/chat/index.js';
import { labIssuedTokens } from '../../lab/issued-tokens.js';
import { cardText, waitFor } from '../chat/helpers.js';
import { runCli, writeConfigFile } from '../lab-e2e/io.js';
import { clickPlan, slackPlanCard } from './bot-process.js';
import { BOB_TEAMS, type ChatBot, startChatBot } from './chat-bot.js';
import { eventsOf } from './lab-approvals.js';

let bot: ChatBot | undefined;
let dir: string | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** Which of the secrets appear in the text (the name of each, never the value, so a failure does not print it). */
function leaks(text: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, value]) => text.includes(value))
    .map(([name]) => name);
}

/**
 * After full fix flows in the lab — the ERP's incoming server holding an IMAP password, fixed from
 * Slack (applied) and from Teams (then stale) — no secret is in the audit rows, the stored plan
 * bodies, anything posted to Slack or Teams, or `history` in chat and on the CLI.
 */
describe('secret scan over the fix flow', () => {
  it('the audit log, the plan bodies and every posted plan card hold no secret', async () => {
    dir = mkdtempSync(join(tmpdir(), 'mailsetup-fixscan-'));
    const storePath = join(dir, 'mailsetup.db');
    bot = await startChatBot('erp-incoming-basic-auth', { storePath });
    const { lab, slack, connector, store, slackUrl, teamsUrl } = bot;
    const imapPassword = lab.state.erp.fetchmailServers[0]?.password;
    expect(imapPassword).toBe('Summer2022!');
    const secrets: Record<string, string> = {
      'Entra client secret': lab.state.tenant.clientSecret,
      'ERP bot password': lab.state.erp.bot.password,
      'ERP bot API key': lab.state.erp.bot.apiKey,
      'IMAP password in the ERP': imapPassword as string,
      'Slack bot token': slack.identity.botToken,
      'Slack signing secret': slack.identity.signingSecret,
      'Slack app token': slack.identity.appToken,
      'Bot Framework secret': lab.state.microsoft.botApp.password,
      ...Object.fromEntries(lab.state.erp.users.filter((u) => u.password).map((u) => [`ERP password of ${u.login}`, u.password as string])),
    };
    // The scan finds what it looks for: the bot's own config holds several of them.
    expect(leaks(JSON.stringify(lab.config), secrets)).toContain('Entra client secret');

    // Slack: fabrikam's plan, approved by bob → applied (the OAuth consent is left for a person).
    await postSlashCommand(slackUrl, slack, { text: 'fix erp-incoming-server', channelId: 'C0LABFAB01' });
    const slackCard = await slackPlanCard(slack);
    // Teams: contoso's plan for the same server, still pending.
    const asked = teamsActivity({ serviceUrl: connector.serviceUrl, text: 'fix erp-incoming-server', scope: 'channel' });
    await postActivity(teamsUrl, asked, bot.teamsAuth());
    const teamsCard = await waitFor(
      () => connector.activities.find((a) => JSON.stringify(a.activity).includes('Action.Execute')),
      20_000,
      'the Teams plan card',
    );
    const teamsPlanId = /"planId":"(p-[^"]+)"/.exec(JSON.stringify(teamsCard.activity))?.[1] as string;

    await clickPlan(slackUrl, slack, slackCard, 'U0LABADA01');
    await clickPlan(slackUrl, slack, slackCard, 'U0LABBOB01');
    await waitFor(() => /applied/.test(slackCard.message.text) && !/verifying/.test(slackCard.message.text), 20_000, 'applied');
    await waitFor(() => slack.messages.some((m) => m.threadTs === slackCard.message.ts), 10_000, 'the re-check in the thread');
    expect(eventsOf(store, slackCard.planId)).toEqual(['requested', 'refused', 'approved', 'applying', 'applied', 'verified']);
    expect(lab.state.erp.fetchmailServers[0]?.server_type).toBe('outlook');

    // The server changed under the Teams plan: its approval finds it stale.
    const invoke = await postActivity(
      teamsUrl,
      teamsCardAction({
        serviceUrl: connector.serviceUrl,
        verb: 'approve',
        data: { planId: teamsPlanId },
        replyToId: teamsCard.id,
        from: BOB_TEAMS,
        scope: 'channel',
      }),
      bot.teamsAuth(),
    );
    await waitFor(
      () => cardText((teamsCard.activity.attachments as { content: unknown }[])[0]?.content).includes('stale'),
      20_000,
      'the stale card',
    );
    expect(eventsOf(store, teamsPlanId)).toEqual(['requested', 'approved', 'stale']);

    await postSlashCommand(slackUrl, slack, { text: 'history', channelId: 'C0LABFAB01' });
    await waitFor(() => slack.messages.some((m) => m.text.includes('audit entries for fabrikam')), 10_000, 'history in chat');
    const cliHistory = await runCli(['history', '--config', writeConfigFile({ ...lab.config, store: { path: storePath } }), '--json']);
    expect(JSON.parse(cliHistory.stdout).length).toBeGreaterThanOrEqual(9);

    // What the bot wrote and sent, every version of it.
    const raw = new Database(storePath, { readonly: true });
    const auditRows = raw.prepare('SELECT * FROM audit').all();
    const planRows = raw.prepare('SELECT * FROM plans').all() as { body: string }[];
    raw.close();
    expect(planRows).toHaveLength(2);
    // The password the plan clears is named, not shown.
    expect(planRows.map((r) => r.body).join('\n')).toContain('(not shown)');
    const places: Record<string, string> = {
      'audit rows': JSON.stringify(auditRows),
      'plan bodies': JSON.stringify(planRows),
      'Slack messages (every version)': JSON.stringify(slack.messages.map((m) => m.versions)),
      'Slack ephemerals': JSON.stringify(slack.ephemerals),
      'Slack Web API calls': JSON.stringify(slack.calls.map((c) => c.args)),
      'Teams activities (every version)': JSON.stringify(connector.activities.map((a) => a.versions)),
      'Teams invoke answer': invoke.body,
      'history on the CLI': cliHistory.stdout + cliHistory.stderr,
    };
    for (const [place, text] of Object.entries(places)) {
      expect(text.length, place).toBeGreaterThan(10);
      expect(leaks(text, secrets), place).toEqual([]);
      for (const token of labIssuedTokens()) expect(text.includes(token), `${place}: an access token the lab issued`).toBe(false);
    }
  }, 90_000);
});
