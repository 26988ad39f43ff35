import type { App, BlockButtonAction, BlockStaticSelectAction, ViewSubmitAction, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { planIdOf } from '../../approvals/card.js';
import { errorToMessage } from '../../commands/error-message.js';
import { redact } from '../../config/secret.js';
import type { AlertActions, AlertActor, AlertButton, AlertClickOutcome } from '../../monitor/contract.js';
import { ALERT_ACTION_ID, parseSnoozeOptionValue } from '../../render/alert-blocks.js';
import { renderBlocks } from '../../render/blocks.js';
import type { Message } from '../../render/message.js';
import { redactDeep } from '../front-end.js';
import { ALERT_REASON_CALLBACK, type ReasonRequest, readReasonModal, reasonModal } from './alert-modal.js';
import type { SlackApprovals } from './plan-buttons.js';
import { slackErrorCode } from './slack-errors.js';

export interface SlackAlertButtonsOptions {
  alerts: AlertActions;
  /** The fix flow: a plan card posted for Fix is handed to it, so its own buttons work. */
  approvals?: SlackApprovals;
  logger: Logger;
  track: (work: Promise<void>) => void;
}

/** Where a click happened: the clicked message, and the thread a reply goes in. */
interface ClickPlace {
  channel: string;
  messageTs: string;
  threadTs: string;
}

/**
 * The alert controls in Slack (`block_actions` and `view_submission`, over HTTP or Socket Mode).
 * Every click is acknowledged at once. Acknowledge and Snooze open a modal that asks why (and for
 * how long); its submission, Fix and Run check now go to the alert book. The clicked message is
 * rewritten with the alert's root as it now stands, a reply goes in the alert's thread, and a
 * refusal only to the clicker. Who clicked is the signed payload's user, never a button's value.
 */
export function registerAlertButtons(app: App, options: SlackAlertButtonsOptions): void {
  const { logger } = options;
  const warn = (what: string) => (error: unknown) => logger.warn({ code: slackErrorCode(error), err: redact(String(error)) }, what);

  app.action<BlockButtonAction>(ALERT_ACTION_ID.acknowledge, async ({ ack, body, action, client }) => {
    await ack();
    const place = placeOf(body);
    if (!place) return;
    const request: ReasonRequest = { action: 'acknowledge', alertId: action.value ?? '', ...place };
    await client.views
      .open({ trigger_id: body.trigger_id, view: redactDeep(reasonModal(request, body.message?.text ?? '')) })
      .catch(warn('The acknowledge form could not be opened in Slack'));
  });

  app.action<BlockStaticSelectAction>(ALERT_ACTION_ID.snooze, async ({ ack, body, action, client }) => {
    await ack();
    const place = placeOf(body);
    const picked = parseSnoozeOptionValue(action.selected_option?.value ?? '');
    if (!place) return;
    if (!picked) return refuse(client, place.channel, body.user.id, 'That snooze choice does not name an alert.', warn);
    const request: ReasonRequest = { action: 'snooze', alertId: picked.alertId, durationMs: picked.durationMs, ...place };
    await client.views
      .open({ trigger_id: body.trigger_id, view: redactDeep(reasonModal(request, body.message?.text ?? '')) })
      .catch(warn('The snooze form could not be opened in Slack'));
  });

  for (const action of ['fix', 'run'] as const) {
    app.action<BlockButtonAction>(ALERT_ACTION_ID[action], async ({ ack, body, action: button, client }) => {
      await ack();
      const place = placeOf(body);
      if (!place) return;
      await click(options, client, { action, alertId: button.value ?? '' }, actorOf(body.user), place, warn);
    });
  }

  app.view<ViewSubmitAction>(ALERT_REASON_CALLBACK, async ({ ack, body, view, client }) => {
    const read = readReasonModal(view as Parameters<typeof readReasonModal>[0]);
    if ('errors' in read) {
      await ack({ response_action: 'errors', errors: read.errors });
      return;
    }
    await ack();
    const { request, reason } = read;
    const button: AlertButton =
      request.action === 'snooze'
        ? { action: 'snooze', alertId: request.alertId, durationMs: request.durationMs ?? 0, reason }
        : { action: 'acknowledge', alertId: request.alertId, reason };
    await click(options, client, button, actorOf(body.user), request, warn);
  });
}

async function click(
  options: SlackAlertButtonsOptions,
  client: webApi.WebClient,
  button: AlertButton,
  actor: AlertActor,
  place: ClickPlace,
  warn: (what: string) => (error: unknown) => void,
): Promise<void> {
  let outcome: AlertClickOutcome;
  try {
    outcome = await options.alerts.click(button, actor, { platform: 'slack', conversationId: place.channel });
  } catch (error) {
    const sentence = errorToMessage(error, (reference, cause) =>
      options.logger.error({ reference, err: redact(String(cause)) }, 'An alert button failed'),
    );
    return refuse(client, place.channel, actor.userId, sentence.summary, warn);
  }
  options.track(
    outcome.done.catch((error: unknown) => options.logger.error({ err: redact(String(error)) }, 'The work after an alert click failed')),
  );
  if (outcome.refusal) await refuse(client, place.channel, actor.userId, outcome.refusal, warn);
  if (outcome.root) {
    const { main } = renderBlocks(redactDeep(outcome.root));
    await client.chat
      .update({ channel: place.channel, ts: place.messageTs, text: main.text, blocks: main.blocks })
      .catch(warn('The alert could not be rewritten in Slack'));
  }
  if (outcome.reply) await reply(options, client, outcome.reply, place, actor, warn);
}

/** The click's reply: in the alert's thread (a fix plan card is handed to the fix flow), or to the clicker alone. */
async function reply(
  options: SlackAlertButtonsOptions,
  client: webApi.WebClient,
  message: Message,
  place: ClickPlace,
  actor: AlertActor,
  warn: (what: string) => (error: unknown) => void,
): Promise<void> {
  const { main } = renderBlocks(redactDeep(message));
  if (message.ephemeral) {
    await client.chat
      .postEphemeral({ channel: place.channel, user: actor.userId, text: main.text, blocks: main.blocks })
      .catch(warn('An alert reply did not reach Slack'));
    return;
  }
  try {
    const posted = await client.chat.postMessage({
      channel: place.channel,
      thread_ts: place.threadTs,
      text: main.text,
      blocks: main.blocks,
    });
    const planId = planIdOf(message);
    if (planId && posted.ts)
      options.approvals?.cardPosted(planId, { platform: 'slack', conversationId: place.channel, messageId: posted.ts });
  } catch (error) {
    warn('An alert reply did not reach Slack')(error);
  }
}

function refuse(
  client: webApi.WebClient,
  channel: string,
  user: string,
  text: string,
  warn: (what: string) => (error: unknown) => void,
): Promise<void> {
  return client.chat
    .postEphemeral({ channel, user, text: redact(text) })
    .then(() => undefined)
    .catch(warn('A refusal did not reach Slack'));
}

function actorOf(user: { id: string; name?: string; username?: string }): AlertActor {
  return { platform: 'slack', userId: user.id, displayName: user.name ?? user.username };
}

function placeOf(body: BlockButtonAction | BlockStaticSelectAction): ClickPlace | undefined {
  const channel = body.channel?.id ?? String(body.container?.channel_id ?? '');
  const messageTs = body.message?.ts ?? String(body.container?.message_ts ?? '');
  if (!channel || !messageTs) return undefined;
  const threadTs = (body.message as { thread_ts?: string } | undefined)?.thread_ts ?? messageTs;
  return { channel, messageTs, threadTs };
}
