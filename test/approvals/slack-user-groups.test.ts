import { afterEach, describe, expect, it } from 'vitest';
import { chatLab, postSlashCommand } from '../../lab/chat/index.js';
import type { Lab } from '../../lab/index.js';
import { ApproverGroups, type GroupDirectory } from '../../src/approvals/groups.js';
import { waitFor } from '../chat/helpers.js';
import { clickPlan, slackPlanCard } from './bot-process.js';
import { type ChatBot, startChatBot } from './chat-bot.js';
import { callsTo, eventsOf } from './lab-approvals.js';

let bot: ChatBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

/** Two user groups in the lab workspace: @it-admins (bob) and the on-call group named by id (carol). */
function withGroups(scopes: 'granted' | 'missing') {
  return (lab: Lab) => {
    const slack = chatLab(lab.state)?.slack;
    if (!slack) throw new Error('no fake Slack');
    slack.userGroups.push(
      { id: 'S0LABADM01', handle: 'it-admins', name: 'IT admins', users: ['U0LABBOB01'] },
      { id: 'S0LABOPS02', handle: 'ops-oncall', name: 'Ops on call', users: ['U0LABCAR01'] },
    );
    if (scopes === 'granted') slack.botScopes.push('usergroups:read');
  };
}

const groupPolicy = (extra: Record<string, unknown> = {}) => ({ approvers: ['slack:@it-admins', 'slack:S0LABOPS02'], ...extra });

describe('Slack user groups as approvers (usergroups.users.list)', () => {
  it('a member of a group named by handle approves; someone in no group is refused; members are read once, not per click', async () => {
    bot = await startChatBot('mailbox-imap-disabled', { approvals: groupPolicy(), beforeStart: withGroups('granted') });
    const { slack, slackUrl, lab, store } = bot;
    // Read at start: the handle through usergroups.list, then each group's members.
    expect(
      slack.calls
        .filter((c) => c.method === 'usergroups.users.list')
        .map((c) => c.args.usergroup)
        .sort(),
    ).toEqual(['S0LABADM01', 'S0LABOPS02']);
    const reads = slack.calls.filter((c) => c.method.startsWith('usergroups.')).length;

    await postSlashCommand(slackUrl, slack, { text: 'fix exchange-catchall-mailbox' });
    const card = await slackPlanCard(slack);
    await clickPlan(slackUrl, slack, card, 'U0LABMAL01');
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABMAL01'), 5000, 'the refusal');
    expect(refusal.text).toBe('You are not an approver for contoso.');
    await clickPlan(slackUrl, slack, card, 'U0LABBOB01');
    await waitFor(() => card.message.text.includes('applied · verified'), 20_000, 'applied · verified');
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(1);
    expect(store.audit.list({ planId: card.planId }).find((e) => e.event === 'approved')?.actor?.userId).toBe('U0LABBOB01');
    expect(slack.calls.filter((c) => c.method.startsWith('usergroups.')).length).toBe(reads);
  }, 60_000);

  it('with required: 2, members of two groups are two distinct approvers', async () => {
    bot = await startChatBot('mailbox-imap-disabled', { approvals: groupPolicy({ required: 2 }), beforeStart: withGroups('granted') });
    const { slack, slackUrl } = bot;
    await postSlashCommand(slackUrl, slack, { text: 'fix exchange-catchall-mailbox' });
    const card = await slackPlanCard(slack);
    await clickPlan(slackUrl, slack, card, 'U0LABCAR01');
    await waitFor(() => card.message.text.includes('approved 1/2'), 10_000, 'approved 1/2');
    await clickPlan(slackUrl, slack, card, 'U0LABBOB01');
    await waitFor(() => card.message.text.includes('applied · verified'), 20_000, 'applied · verified');
    expect(eventsOf(bot.store, card.planId)).toEqual(['requested', 'approved', 'approved', 'applying', 'applied', 'verified']);
  }, 60_000);

  it('without the usergroups:read scope a group member is refused with the reason and what to do', async () => {
    bot = await startChatBot('mailbox-imap-disabled', { approvals: groupPolicy(), beforeStart: withGroups('missing') });
    const { slack, slackUrl, lab } = bot;
    await postSlashCommand(slackUrl, slack, { text: 'fix exchange-catchall-mailbox' });
    const card = await slackPlanCard(slack);
    await clickPlan(slackUrl, slack, card, 'U0LABBOB01');
    const refusal = await waitFor(() => slack.ephemerals.find((e) => e.user === 'U0LABBOB01'), 5000, 'the refusal');
    expect(refusal.text).toBe(
      'You are not an approver for contoso: the bot could not read who is in @it-admins and S0LABOPS02 (the Slack app lacks the usergroups:read scope: add it and reinstall the app).',
    );
    expect(callsTo(lab, 'Set-CASMailbox')).toBe(0);
  }, 60_000);
});

describe('ApproverGroups: the cache', () => {
  it('reads a group again only after its TTL, and keeps the last members through a failed read', async () => {
    let clock = 0;
    let members = ['U1'];
    let fail = false;
    let reads = 0;
    const directory: GroupDirectory = {
      async membersOf() {
        reads += 1;
        if (fail) throw new Error('Slack answered ratelimited');
        return members;
      },
    };
    const groups = new ApproverGroups({ platform: 'slack', directory, groups: ['S1'], ttlMs: 60_000, now: () => clock });
    expect(groups.groupsOf('U1')).toEqual({ groups: [], unreadable: [{ group: 'S1', error: 'not read yet' }] });
    await groups.refresh();
    expect(groups.groupsOf('U1')).toEqual({ groups: ['S1'], unreadable: [] });
    members = ['U2'];
    clock = 30_000;
    await groups.refresh();
    expect(reads).toBe(1);
    expect(groups.groupsOf('U2').groups).toEqual([]);
    clock = 61_000;
    await groups.refresh();
    expect(reads).toBe(2);
    expect(groups.groupsOf('U2').groups).toEqual(['S1']);
    expect(groups.groupsOf('U1').groups).toEqual([]);
    fail = true;
    clock = 130_000;
    await groups.refresh();
    expect(reads).toBe(3);
    expect(groups.groupsOf('U2')).toEqual({ groups: ['S1'], unreadable: [] });
  });
});
