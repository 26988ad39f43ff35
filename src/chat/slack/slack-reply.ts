import type { RespondFn, webApi } from '@slack/bolt';
import { renderBlocks, type SlackPayload } from '../../render/blocks.js';
import type { Message } from '../../render/message.js';
import { type LiveReplyTarget, redactDeep } from '../front-end.js';
import { cannotPostHere } from './slack-errors.js';

/** A response URL takes five messages in 30 minutes; one stays free for the closing tip. */
const RESPONSE_URL_BUDGET = 4;

/**
 * A reply in a Slack conversation: `chat.postMessage` once, `chat.update` (same `ts`) after, and
 * thread replies for what does not fit and for the evidence. When Slack will not let the bot post
 * there (it is not a member), the reply goes through the command's `response_url` instead: no
 * live progress then, just the final version.
 */
export class SlackReply implements LiveReplyTarget {
  readonly #client: webApi.WebClient;
  readonly #channel: string;
  readonly #respond: RespondFn | undefined;
  /** The posted message's timestamp (its id), once posted. */
  ts: string | undefined;
  /** `respond` after Slack refused a post here. */
  via: 'channel' | 'response_url' = 'channel';

  constructor(client: webApi.WebClient, channel: string, respond?: RespondFn) {
    this.#client = client;
    this.#channel = channel;
    this.#respond = respond;
  }

  async post(message: Message): Promise<void> {
    if (this.via === 'response_url') return;
    const { main } = renderBlocks(redactDeep(message));
    try {
      const result = await this.#client.chat.postMessage({ channel: this.#channel, text: main.text, blocks: main.blocks });
      this.ts = result.ts;
    } catch (error) {
      if (!(this.#respond && cannotPostHere(error))) throw error;
      this.via = 'response_url';
    }
  }

  async update(message: Message): Promise<void> {
    if (this.via === 'response_url' || !this.ts) return;
    const { main } = renderBlocks(redactDeep(message));
    await this.#client.chat.update({ channel: this.#channel, ts: this.ts, text: main.text, blocks: main.blocks });
  }

  /**
   * After the final version: the thread replies (overflow, then evidence) under the message, or —
   * without a message — the final reply through the response URL.
   */
  async complete(final: Message): Promise<void> {
    const rendering = renderBlocks(redactDeep(final));
    if (this.via === 'channel' && this.ts) {
      for (const part of rendering.thread) {
        await this.#client.chat.postMessage({ channel: this.#channel, thread_ts: this.ts, text: part.text, blocks: part.blocks });
      }
      return;
    }
    if (!this.#respond) return;
    const parts: SlackPayload[] = [rendering.main, ...rendering.thread];
    const shown = parts.slice(0, RESPONSE_URL_BUDGET);
    for (const part of shown)
      await this.#respond({ response_type: 'in_channel', replace_original: false, text: part.text, blocks: part.blocks });
    const hidden = parts.length - shown.length;
    await this.#respond({
      response_type: 'ephemeral',
      replace_original: false,
      text: `Tip: invite the mailsetup app to this channel (\`/invite @mailsetup\`) to see replies update live and the evidence in a thread${
        hidden > 0 ? `; ${hidden} more part${hidden === 1 ? ' of this reply was' : 's of this reply were'} not shown` : ''
      }.`,
    });
  }
}

/** Answers only the asker (usage errors): through the response URL when there is one, else `chat.postEphemeral`. */
export async function replyEphemeral(
  message: Message,
  target: { client: webApi.WebClient; channel: string; user: string; respond?: RespondFn },
): Promise<void> {
  const { main } = renderBlocks(redactDeep(message));
  if (target.respond) {
    await target.respond({ response_type: 'ephemeral', replace_original: false, text: main.text, blocks: main.blocks });
    return;
  }
  await target.client.chat.postEphemeral({ channel: target.channel, user: target.user, text: main.text, blocks: main.blocks });
}
