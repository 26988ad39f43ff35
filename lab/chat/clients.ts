import { createHmac, randomUUID } from 'node:crypto';
import type { FakeSlack, SlackModalRecord } from './slack-api.js';

/**
 * What Slack and Teams send to the bot, for tests and demos: signed slash commands and
 * interactivity payloads for the HTTP receiver, Socket Mode envelopes, and Teams activities.
 */

/** Slack's request signature: `v0=` + hex HMAC-SHA256 of `v0:<timestamp>:<raw body>` with the signing secret. */
export function slackSignature(signingSecret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export interface SlashCommandOptions {
  text: string;
  command?: string;
  channelId?: string;
  userId?: string;
  userName?: string;
}

/** The form fields of a slash command as Slack posts them (and, parsed, as Socket Mode delivers them). */
export function slashCommandPayload(slack: FakeSlack, options: SlashCommandOptions): Record<string, string> {
  return {
    token: 'deprecated-verification-token',
    team_id: slack.identity.teamId,
    team_domain: slack.identity.teamDomain,
    channel_id: options.channelId ?? 'C0LABOPS01',
    channel_name: 'it-ops',
    user_id: options.userId ?? 'U0LABADA01',
    user_name: options.userName ?? 'ada',
    command: options.command ?? '/mailsetup',
    text: options.text,
    api_app_id: slack.identity.appId,
    is_enterprise_install: 'false',
    response_url: slack.responseUrl(),
    trigger_id: slack.triggerId(options.userId ?? 'U0LABADA01'),
  };
}

export interface SignedPostOptions {
  /** Defaults to now; set older than 5 minutes to test the replay window. */
  timestamp?: number;
  /** Defaults to the lab's signing secret; give another to test a bad signature. */
  signingSecret?: string;
  /** Slack's own redelivery of an event it thinks was lost: `X-Slack-Retry-Num` (and a reason). */
  retryNum?: number;
}

/** A signed request as Slack sends it: the raw body and its headers, to post (and post again). */
export interface SignedSlackRequest {
  body: string;
  headers: Record<string, string>;
}

export interface PostResult {
  status: number;
  body: string;
  /** Time until the HTTP response arrived. */
  ms: number;
}

/** Posts a signed, form-encoded slash command to the bot's HTTP receiver (`…/slack/events`). */
export async function postSlashCommand(
  url: string,
  slack: FakeSlack,
  command: SlashCommandOptions,
  options: SignedPostOptions = {},
): Promise<PostResult> {
  return postSigned(url, signedSlashCommand(slack, command, options));
}

/** A signed slash command, built once so that the very same request can be delivered twice. */
export function signedSlashCommand(slack: FakeSlack, command: SlashCommandOptions, options: SignedPostOptions = {}): SignedSlackRequest {
  const body = new URLSearchParams(slashCommandPayload(slack, command)).toString();
  return signRequest(body, 'application/x-www-form-urlencoded', slack, options);
}

/** Posts a signed interactivity payload (`payload=<json>`, e.g. a block_actions click). */
export async function postInteraction(
  url: string,
  slack: FakeSlack,
  payload: Record<string, unknown>,
  options: SignedPostOptions = {},
): Promise<PostResult> {
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  return signedPost(url, body, 'application/x-www-form-urlencoded', slack, options);
}

export interface ButtonClickOptions {
  actionId: string;
  /** The button's `value` as posted on the message. */
  value: string;
  /** Where the message with the button is. */
  channelId: string;
  messageTs: string;
  userId?: string;
  userName?: string;
  blockId?: string;
  /** A menu (`static_select`) choice instead of a button: the chosen option's value and its text. */
  selected?: { value: string; text: string };
  /** Where the message is a thread reply: its root's ts. */
  threadTs?: string;
}

/**
 * A `block_actions` payload as Slack sends it when a person clicks a Block Kit button on a message:
 * the clicker in `user`, the message in `container`/`message`, the button in `actions[0]`.
 */
export function blockActionsPayload(slack: FakeSlack, click: ButtonClickOptions): Record<string, unknown> {
  const userId = click.userId ?? 'U0LABADA01';
  const userName = click.userName ?? 'ada';
  // Slack sends the clicked message as it stands (text, blocks, thread); the fake workspace knows it.
  const posted = slack.messages.find((m) => m.channel === click.channelId && m.ts === click.messageTs);
  const threadTs = click.threadTs ?? posted?.threadTs;
  return {
    type: 'block_actions',
    user: { id: userId, username: userName, name: userName, team_id: slack.identity.teamId },
    api_app_id: slack.identity.appId,
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: click.messageTs, channel_id: click.channelId, is_ephemeral: false },
    trigger_id: slack.triggerId(userId),
    team: { id: slack.identity.teamId, domain: slack.identity.teamDomain },
    enterprise: null,
    is_enterprise_install: false,
    channel: { id: click.channelId, name: 'it-ops' },
    message: {
      type: 'message',
      user: slack.identity.botUserId,
      ts: click.messageTs,
      ...(threadTs ? { thread_ts: threadTs } : {}),
      bot_id: slack.identity.botId,
      text: posted?.text ?? '',
      ...(posted ? { blocks: posted.blocks } : {}),
    },
    state: { values: {} },
    response_url: slack.responseUrl(),
    actions: [
      click.selected
        ? {
            type: 'static_select',
            action_id: click.actionId,
            block_id: click.blockId ?? 'block',
            selected_option: { text: { type: 'plain_text', text: click.selected.text, emoji: true }, value: click.selected.value },
            action_ts: `${Date.now() / 1000}`,
          }
        : {
            type: 'button',
            action_id: click.actionId,
            block_id: click.blockId ?? 'block',
            text: { type: 'plain_text', text: click.actionId, emoji: true },
            value: click.value,
            action_ts: `${Date.now() / 1000}`,
          },
    ],
  };
}

/**
 * The `view_submission` Slack sends when a person submits a modal the bot opened: the view as
 * opened (callback id, private metadata), with what they entered in `state.values`, keyed by block
 * id then action id. `inputs` maps an input block's id to the text typed or the option value chosen.
 */
export function viewSubmissionPayload(
  slack: FakeSlack,
  modal: SlackModalRecord,
  inputs: Record<string, string>,
  user: { id: string; name: string } = { id: modal.userId ?? 'U0LABADA01', name: 'ada' },
): Record<string, unknown> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const raw of (modal.view.blocks as Record<string, unknown>[] | undefined) ?? []) {
    if (raw.type !== 'input') continue;
    const blockId = String(raw.block_id ?? '');
    const element = raw.element as { type: string; action_id: string; options?: { text: { text: string }; value: string }[] };
    const given = inputs[blockId];
    if (element.type === 'static_select') {
      const option = element.options?.find((o) => o.value === given);
      values[blockId] = { [element.action_id]: { type: 'static_select', selected_option: option ?? null } };
    } else values[blockId] = { [element.action_id]: { type: element.type, value: given ?? null } };
  }
  return {
    type: 'view_submission',
    team: { id: slack.identity.teamId, domain: slack.identity.teamDomain },
    user: { id: user.id, username: user.name, name: user.name, team_id: slack.identity.teamId },
    api_app_id: slack.identity.appId,
    token: 'deprecated-verification-token',
    trigger_id: slack.triggerId(user.id),
    view: {
      id: modal.id,
      team_id: slack.identity.teamId,
      type: 'modal',
      blocks: modal.view.blocks,
      private_metadata: modal.view.private_metadata ?? '',
      callback_id: modal.view.callback_id ?? '',
      state: { values },
      hash: `${Math.floor(Date.now() / 1000)}.lab`,
      title: modal.view.title,
      root_view_id: modal.id,
      app_id: slack.identity.appId,
      bot_id: slack.identity.botId,
    },
    response_urls: [],
    is_enterprise_install: false,
    enterprise: null,
  };
}

/** Posts a signed Events API callback (`{type: 'event_callback', event}`). */
export async function postEvent(
  url: string,
  slack: FakeSlack,
  event: Record<string, unknown>,
  options: SignedPostOptions = {},
): Promise<PostResult> {
  const body = JSON.stringify({
    token: 'deprecated-verification-token',
    team_id: slack.identity.teamId,
    api_app_id: slack.identity.appId,
    event,
    type: 'event_callback',
    event_id: `Ev${randomUUID().slice(0, 10).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ team_id: slack.identity.teamId, user_id: slack.identity.botUserId, is_bot: true, is_enterprise_install: false }],
  });
  return signedPost(url, body, 'application/json', slack, options);
}

function signedPost(url: string, body: string, contentType: string, slack: FakeSlack, options: SignedPostOptions): Promise<PostResult> {
  return postSigned(url, signRequest(body, contentType, slack, options));
}

function signRequest(body: string, contentType: string, slack: FakeSlack, options: SignedPostOptions): SignedSlackRequest {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const headers: Record<string, string> = {
    'Content-Type': contentType,
    'X-Slack-Request-Timestamp': String(timestamp),
    'X-Slack-Signature': slackSignature(options.signingSecret ?? slack.identity.signingSecret, timestamp, body),
  };
  if (options.retryNum !== undefined) {
    headers['X-Slack-Retry-Num'] = String(options.retryNum);
    headers['X-Slack-Retry-Reason'] = 'http_timeout';
  }
  return { body, headers };
}

/** Posts a signed request (again, if it was posted before: a replay). */
export async function postSigned(url: string, request: SignedSlackRequest): Promise<PostResult> {
  const started = performance.now();
  const response = await fetch(url, { method: 'POST', headers: request.headers, body: request.body });
  const text = await response.text();
  return { status: response.status, body: text, ms: performance.now() - started };
}

/** An `app_home_opened` event for the Events API / Socket Mode. */
export function appHomeOpenedEvent(userId = 'U0LABADA01'): Record<string, unknown> {
  return { type: 'app_home_opened', user: userId, channel: 'D0LABHOME1', tab: 'home', event_ts: `${Date.now() / 1000}` };
}

// ---- Teams ----------------------------------------------------------------------------------

export const LAB_TEAMS = {
  tenantId: '7e1b3c52-8d2a-4f4e-9a61-0c2d5e8f9a10',
  botId: '28:00000000-0000-0000-0000-00000000b07a',
  botName: 'mailsetup',
  user: { id: '29:1lab-ada-aad-user', name: 'Ada Admin', aadObjectId: '4b7f2b8e-1c1d-4e57-9a3e-0d6f7c5a1e22' },
  personalConversation: 'a:1lab-personal-chat-with-ada',
  channelConversation: '19:lab-it-ops-channel@thread.tacv2',
  teamId: '19:lab-team-general@thread.tacv2',
} as const;

export interface TeamsActivityOptions {
  serviceUrl: string;
  text?: string;
  /** `personal` (default) or `channel` (the bot is @mentioned, as Teams requires there). */
  scope?: 'personal' | 'channel';
  type?: string;
  extra?: Record<string, unknown>;
}

/** A Teams message activity as the Bot Connector delivers it to `/api/messages`. */
export function teamsActivity(options: TeamsActivityOptions): Record<string, unknown> {
  const scope = options.scope ?? 'personal';
  const id = `1${Date.now()}${Math.floor(Math.random() * 1000)}`;
  const mention = `<at>${LAB_TEAMS.botName}</at>`;
  const channel = scope === 'channel';
  const base: Record<string, unknown> = {
    type: options.type ?? 'message',
    id,
    timestamp: new Date().toISOString(),
    localTimestamp: new Date().toISOString(),
    serviceUrl: options.serviceUrl,
    channelId: 'msteams',
    from: { ...LAB_TEAMS.user },
    conversation: channel
      ? { id: `${LAB_TEAMS.channelConversation};messageid=${id}`, conversationType: 'channel', isGroup: true, tenantId: LAB_TEAMS.tenantId }
      : { id: LAB_TEAMS.personalConversation, conversationType: 'personal', tenantId: LAB_TEAMS.tenantId },
    recipient: { id: LAB_TEAMS.botId, name: LAB_TEAMS.botName },
    locale: 'en-US',
    channelData: channel
      ? {
          teamsChannelId: LAB_TEAMS.channelConversation,
          teamsTeamId: LAB_TEAMS.teamId,
          channel: { id: LAB_TEAMS.channelConversation },
          team: { id: LAB_TEAMS.teamId },
          tenant: { id: LAB_TEAMS.tenantId },
        }
      : { tenant: { id: LAB_TEAMS.tenantId } },
  };
  if ((options.type ?? 'message') === 'message') {
    base.textFormat = 'plain';
    base.text = channel ? `${mention} ${options.text ?? ''}` : (options.text ?? '');
    if (channel) base.entities = [{ type: 'mention', text: mention, mentioned: { id: LAB_TEAMS.botId, name: LAB_TEAMS.botName } }];
  }
  return { ...base, ...options.extra };
}

/** The bot's install in a team or personal scope (`installationUpdate`, action `add`). */
export function teamsInstallActivity(serviceUrl: string, scope: 'personal' | 'channel' = 'channel'): Record<string, unknown> {
  const activity = teamsActivity({ serviceUrl, scope, type: 'installationUpdate' });
  const conversation = activity.conversation as Record<string, unknown>;
  if (scope === 'channel') conversation.id = LAB_TEAMS.teamId;
  return { ...activity, action: 'add' };
}

export interface TeamsCardActionOptions {
  serviceUrl: string;
  verb: string;
  data: Record<string, unknown>;
  /** The card's activity id (the message the button is on). */
  replyToId: string;
  from?: { id: string; name: string; aadObjectId: string };
  scope?: 'personal' | 'channel';
}

/** The invoke `adaptiveCard/action` Teams sends when a person clicks an `Action.Execute` (or when a card refreshes). */
export function teamsCardAction(options: TeamsCardActionOptions): Record<string, unknown> {
  const activity = teamsActivity({ serviceUrl: options.serviceUrl, scope: options.scope, type: 'invoke' });
  return {
    ...activity,
    name: 'adaptiveCard/action',
    replyToId: options.replyToId,
    from: { ...(options.from ?? LAB_TEAMS.user) },
    value: {
      action: { type: 'Action.Execute', verb: options.verb, data: options.data },
      trigger: options.verb === 'refresh' ? 'automatic' : 'manual',
    },
  };
}

/** Posts an activity to the bot's `/api/messages`, with an `Authorization` header when given. */
export async function postActivity(url: string, activity: Record<string, unknown>, authorization?: string): Promise<PostResult> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(authorization ? { Authorization: authorization } : {}) },
    body: JSON.stringify(activity),
  });
  const text = await response.text();
  return { status: response.status, body: text, ms: performance.now() - started };
}
