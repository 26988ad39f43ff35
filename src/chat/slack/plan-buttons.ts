import type { App, BlockButtonAction, webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import type { CardPublisher, FixApprovals } from '../../approvals/service.js';
import { redact } from '../../config/secret.js';
import { PLAN_ACTION_ID, renderBlocks } from '../../render/blocks.js';
import type { Message } from '../../render/message.js';
import { redactDeep } from '../front-end.js';
import { slackErrorCode } from './slack-errors.js';

/** What the Slack front end needs of the fix flow. */
export type SlackApprovals = Pick<FixApprovals, 'decide' | 'cardPosted' | 'setPublisher'>;

/**
 * The plan card's Approve / Reject buttons (`block_actions`, over HTTP or Socket Mode): acknowledged
 * at once, then decided. Who clicked is the signed payload's `user.id`, never the button's value
 * (which carries only the plan id). A refusal goes only to the clicker (`chat.postEphemeral`); the
 * card itself is rewritten by the fix flow through `chat.update`.
 */
export function registerPlanButtons(app: App, approvals: SlackApprovals, logger: Logger, track: (work: Promise<void>) => void): void {
  for (const verdict of ['approve', 'reject'] as const) {
    app.action<BlockButtonAction>(PLAN_ACTION_ID[verdict], async ({ ack, body, action, client }) => {
      await ack();
      const actor = { platform: 'slack' as const, userId: body.user.id, displayName: body.user.name ?? body.user.username };
      const outcome = approvals.decide(action.value ?? '', verdict, actor);
      track(outcome.done);
      const channel = body.channel?.id ?? String(body.container.channel_id ?? '');
      if (outcome.refusal && channel) {
        await client.chat
          .postEphemeral({ channel, user: actor.userId, text: outcome.refusal })
          .catch((error: unknown) =>
            logger.warn({ code: slackErrorCode(error), err: redact(String(error)) }, 'A refusal did not reach Slack'),
          );
      }
    });
  }
}

/** Rewrites a posted plan card (`chat.update`) and answers in its thread. */
export function slackCardPublisher(client: webApi.WebClient): CardPublisher {
  return {
    async update(card, message: Message) {
      const { main } = renderBlocks(redactDeep(message));
      await client.chat.update({ channel: card.conversationId, ts: card.messageId, text: main.text, blocks: main.blocks });
    },
    async followUp(card, message: Message) {
      const { main } = renderBlocks(redactDeep(message));
      await client.chat.postMessage({ channel: card.conversationId, thread_ts: card.messageId, text: main.text, blocks: main.blocks });
    },
  };
}
