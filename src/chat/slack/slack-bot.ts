import type { RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, type Receiver, type RespondFn, type webApi } from '@slack/bolt';
import type { Logger } from 'pino';
import { planIdOf } from '../../approvals/card.js';
import type { Actor, CommandPlace } from '../../commands/context.js';
import type { MailsetupConfig, SlackConfig } from '../../config/schema.js';
import { redact } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';
import type { AlertActions, AlertPosterRegistry } from '../../monitor/contract.js';
import type { Message } from '../../render/message.js';
import type { ChatStore } from '../../store/store.js';
import { type ChatCommandHandler, commandVerb, LiveReply, redactDeep, runChatCommand, workingMessage } from '../front-end.js';
import { registerAlertButtons } from './alert-buttons.js';
import { alertWebClient, SlackAlertPoster } from './alert-poster.js';
import { boltLogger } from './bolt-logger.js';
import { homeView } from './home.js';
import { registerPlanButtons, type SlackApprovals, slackCardPublisher } from './plan-buttons.js';
import { SignedRequestReceiver } from './signed-request-receiver.js';
import { slackErrorCode, slackStartError } from './slack-errors.js';
import { replyEphemeral, SlackReply } from './slack-reply.js';
import { SlackSocketMode, SOCKET_MODE_ATTEMPT_LINES, type SocketBackoff } from './socket-mode.js';

export interface SlackBotOptions {
  config: Pick<MailsetupConfig, 'slack' | 'services'>;
  handleCommand: ChatCommandHandler;
  store: ChatStore;
  logger: Logger;
  /** A receiver of your own (tests); by default Socket Mode, or HTTP when `slack.mode` is `http`. */
  receiver?: Receiver;
  /** The slash command (as in the Slack app manifest). */
  command?: string;
  /** HTTP mode: the interface to listen on (all by default). */
  host?: string;
  /** HTTP mode: do not listen; another server hands `/slack/events` to `requestListener`. */
  mounted?: boolean;
  /** Least time between two versions of a reply (Slack allows about one message update a second). */
  updateIntervalMs?: number;
  /** When nothing was posted this long after a command, a "working on it" message is. */
  placeholderAfterMs?: number;
  /** Socket Mode: the wait between attempts to reach Slack (by default 1 s doubling to 60 s). */
  socketBackoff?: SocketBackoff;
  /** The fix flow: plan cards' buttons are handled, and their cards rewritten, when given. */
  approvals?: SlackApprovals;
  /** The alert book: alert buttons are handled, and a Slack poster is registered once the bot has started, when given. */
  alerts?: AlertActions & AlertPosterRegistry;
}

/** The endpoint Slack posts slash commands, interactivity and events to in HTTP mode. */
export const SLACK_EVENTS_PATH = '/slack/events';

/**
 * The Slack front end (Bolt 5). It only translates: a `/mailsetup` command is acknowledged at once,
 * handed to the command layer, and its reply is posted and then updated in place as checks finish;
 * usage errors go only to the asker; the App Home tab shows the last status. Socket Mode by default
 * (outbound connection only), HTTP (`/slack/events`) as an option. Nothing that goes wrong reaches
 * Slack as a stack trace: the user gets a sentence, the log gets the details (secrets scrubbed).
 */
export class SlackBot {
  readonly app: App;
  readonly #options: SlackBotOptions;
  readonly #slack: SlackConfig;
  readonly #logger: Logger;
  readonly #receiver: Receiver;
  readonly #socketMode: SlackSocketMode | undefined;
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #started = false;
  #mounted = false;

  constructor(options: SlackBotOptions) {
    const slack = options.config.slack;
    if (!slack) {
      throw new MailsetupError('ConfigInvalid', 'Slack is not configured.', {
        hint: 'Add a slack section (or set SLACK_BOT_TOKEN and SLACK_APP_TOKEN).',
      });
    }
    this.#options = options;
    this.#slack = slack;
    this.#logger = options.logger.child({ component: 'slack' });
    const logger = boltLogger(options.logger);
    const clientOptions = {
      slackApiUrl: options.config.services.slackApiUrl,
      timeout: 10_000,
      // Bolt's default retries for 30 minutes; a chat reply that late is worse than a sentence now.
      retryConfig: { retries: 2, factor: 2, minTimeout: 250, maxTimeout: 2000 },
    };
    const built = options.receiver
      ? { receiver: options.receiver }
      : buildReceiver(slack, {
          apiUrl: options.config.services.slackApiUrl,
          logger: this.#logger,
          stopping: this.#abort.signal,
          backoff: options.socketBackoff,
        });
    this.#receiver = built.receiver;
    this.#socketMode = built.socketMode;
    this.app = new App({
      token: slack.botToken.reveal(),
      receiver: this.#receiver,
      logger,
      clientOptions,
      // auth.test runs in start(), where a refused token becomes a sentence instead of an unhandled rejection.
      deferInitialization: true,
    });
    this.#register(options.command ?? '/mailsetup');
  }

  /**
   * Verifies the bot token (auth.test) and connects: Socket Mode opens its WebSocket, HTTP mode
   * listens on `slack.port`. Returns the HTTP port in HTTP mode.
   * @throws MailsetupError AuthFailed / AdapterUnavailable with a sentence (never the token).
   */
  async start(): Promise<{ port?: number }> {
    const apiUrl = this.#options.config.services.slackApiUrl;
    try {
      await this.app.init();
    } catch (error) {
      throw slackStartError(error, 'bot token', apiUrl);
    }
    // The token works: alerts can be delivered from now on.
    this.#options.alerts?.setPoster(
      'slack',
      new SlackAlertPoster(
        alertWebClient(this.#slack.botToken.reveal(), { slackApiUrl: apiUrl, logger: boltLogger(this.#options.logger) }),
      ),
    );
    try {
      if (this.#receiver instanceof HTTPReceiver && this.#options.mounted) {
        this.#mounted = true;
        this.#logger.info({ path: SLACK_EVENTS_PATH }, 'Slack front end mounted on the HTTP listener (HTTP mode)');
        return {};
      }
      if (this.#receiver instanceof HTTPReceiver) {
        const server = await this.#receiver.start(
          this.#options.host ? { port: this.#slack.port ?? 3000, host: this.#options.host } : (this.#slack.port ?? 3000),
        );
        this.#started = true;
        const port = (server.address() as AddressInfo | null)?.port;
        this.#logger.info({ port, path: SLACK_EVENTS_PATH }, 'Slack front end listening (HTTP mode)');
        return { port };
      }
      await this.app.start();
      this.#started = true;
      this.#socketMode?.connected();
      this.#logger.info({ mode: this.#socketMode ? 'socket' : 'custom' }, 'Slack front end connected');
      return {};
    } catch (error) {
      if (error instanceof MailsetupError) throw error;
      if (!this.#socketMode) throw slackStartError(error, 'bot token', apiUrl);
      if (this.#abort.signal.aborted) {
        throw new MailsetupError('AdapterUnavailable', 'The Slack front end was stopped before it could connect.', { source: 'slack' });
      }
      // socket-mode rejects without a reason when the WebSocket closed before Slack's hello.
      throw slackStartError(error ?? this.#socketMode.webSocketError, 'app-level token', apiUrl);
    }
  }

  /** HTTP mode: the handler for `/slack/events`, to mount on another server (`mounted: true`). */
  get requestListener(): RequestListener | undefined {
    return this.#receiver instanceof HTTPReceiver ? this.#receiver.requestListener : undefined;
  }

  /** Why the front end cannot take commands now, or undefined when it can (readiness). */
  notReady(): string | undefined {
    if (this.#mounted) return undefined;
    if (!this.#started) return 'the Slack front end has not connected yet';
    const refused = this.#socketMode?.refusedWith;
    if (refused) return `Slack refused the app token (${refused}): put a valid slack.appToken in the config and restart the bot`;
    if (this.#socketMode && !this.#socketMode.isConnected) return 'the Slack Socket Mode connection is down (reconnecting)';
    return undefined;
  }

  /** Disconnects, cancels running commands and waits (briefly) for their last message. */
  async stop(): Promise<void> {
    this.#abort.abort();
    this.#mounted = false;
    // Still connecting (Slack unreachable, retrying): end the Socket Mode client's attempts too.
    if (!this.#started) await this.#socketMode?.receiver.stop().catch(() => {});
    if (this.#started) {
      this.#started = false;
      await this.app
        .stop()
        .catch((error: unknown) => this.#logger.warn({ err: redact(String(error)) }, 'Slack front end did not stop cleanly'));
    }
    await Promise.race([Promise.allSettled([...this.#running]), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  #register(command: string): void {
    this.app.command(command, async ({ command: body, ack, respond, client }) => {
      // Slack gives 3 s; acknowledge first, then do the slow work.
      await ack();
      const actor: Actor = { platform: 'slack', userId: body.user_id, displayName: body.user_name };
      // A DM with the bot has a `D…` channel id (channel_name `directmessage`).
      const place = { channelId: body.channel_id, personal: body.channel_id.startsWith('D') || body.channel_name === 'directmessage' };
      await this.#track(this.#run(body.text ?? '', { actor, place, channel: body.channel_id, client, respond }));
    });

    this.app.event('app_home_opened', async ({ event, client }) => {
      if (event.tab !== 'home') return;
      try {
        await client.views.publish({ user_id: event.user, view: redactDeep(homeView(this.#options.store.lastStatus(), command)) });
      } catch (error) {
        this.#logger.warn({ code: slackErrorCode(error), err: redact(String(error)) }, 'App Home could not be published');
      }
    });

    if (this.#options.approvals) {
      registerPlanButtons(this.app, this.#options.approvals, this.#logger, (work) => void this.#track(work));
      this.#options.approvals.setPublisher('slack', slackCardPublisher(this.app.client));
    }
    if (this.#options.alerts) {
      registerAlertButtons(this.app, {
        alerts: this.#options.alerts,
        approvals: this.#options.approvals,
        logger: this.#logger,
        track: (work) => void this.#track(work),
      });
    }
    // Any other button is acknowledged and explained, never left spinning.
    this.app.action(this.#options.alerts ? /^(?!plan_|alert_)/ : /^(?!plan_)/, async ({ ack, respond }) => {
      await ack();
      await respond({
        response_type: 'ephemeral',
        replace_original: false,
        text: 'That button does nothing in this version of mailsetup yet.',
      }).catch(() => {});
    });

    this.app.error(async (error) => {
      this.#logger.error({ code: (error as { code?: string }).code, err: redact(error.message) }, 'Slack listener failed');
    });
  }

  async #track(work: Promise<void>): Promise<void> {
    this.#running.add(work);
    try {
      await work;
    } finally {
      this.#running.delete(work);
    }
  }

  /** One command: run it with a live reply, then the thread, the App Home record and any fallback. */
  async #run(
    text: string,
    target: { actor: Actor; place: CommandPlace; channel: string; client: webApi.WebClient; respond: RespondFn },
  ): Promise<void> {
    const { actor, place, channel, client, respond } = target;
    const reply = new SlackReply(client, channel, respond);
    const live = new LiveReply(reply, {
      intervalMs: this.#options.updateIntervalMs,
      placeholder: { afterMs: this.#options.placeholderAfterMs ?? 800, message: workingMessage(text) },
      onError: (error) =>
        this.#logger.warn({ code: slackErrorCode(error), err: redact(String(error)) }, 'A progress update did not reach Slack'),
    });
    const final = await runChatCommand({
      handleCommand: this.#options.handleCommand,
      text,
      actor,
      place,
      live,
      stopping: this.#abort.signal,
      logger: this.#logger,
    });

    try {
      if (final.ephemeral && !live.posted) {
        await live.abandon();
        await replyEphemeral(final, { client, channel, user: actor.userId, respond });
      } else {
        await live.finish(final);
        await reply.complete(final);
        const planId = planIdOf(final);
        if (planId && reply.ts)
          this.#options.approvals?.cardPosted(planId, { platform: 'slack', conversationId: channel, messageId: reply.ts });
      }
    } catch (error) {
      this.#logger.error({ code: slackErrorCode(error), err: redact(String(error)) }, 'The reply could not be posted to Slack');
      const code = slackErrorCode(error);
      const sentence: Message = {
        summary: `mailsetup could not post its reply here${code ? ` (Slack said ${code})` : ''}. Try again in a minute; if it keeps happening, the bot's log has the details.`,
        tone: 'error',
        blocks: [],
        ephemeral: true,
      };
      await replyEphemeral(sentence, { client, channel, user: actor.userId, respond }).catch(() => {});
    }

    if (commandVerb(text) === 'status' && !final.ephemeral && final.blocks.length > 0) {
      try {
        this.#options.store.saveLastStatus({
          message: final,
          at: new Date().toISOString(),
          requestedBy: actor.displayName ?? actor.userId,
          platform: 'slack',
        });
      } catch (error) {
        this.#logger.warn({ err: redact(String(error)) }, 'The last status could not be stored');
      }
    }
  }
}

function buildReceiver(
  slack: SlackConfig,
  options: { apiUrl: string; logger: Logger; stopping: AbortSignal; backoff?: SocketBackoff },
): { receiver: Receiver; socketMode?: SlackSocketMode } {
  if (slack.mode === 'http') {
    if (!slack.signingSecret) {
      throw new MailsetupError('ConfigInvalid', 'Slack HTTP mode needs the signing secret.', {
        hint: 'Set SLACK_SIGNING_SECRET (Basic Information → App Credentials), or use Socket Mode.',
      });
    }
    const receiver = new SignedRequestReceiver({
      signingSecret: slack.signingSecret.reveal(),
      endpoints: [SLACK_EVENTS_PATH],
      boltLogger: boltLogger(options.logger),
      logger: options.logger,
    });
    return { receiver };
  }
  if (!slack.appToken) {
    throw new MailsetupError('ConfigInvalid', 'Slack Socket Mode needs an app-level token.', {
      hint: 'Create one with the connections:write scope (Basic Information → App-Level Tokens) and set SLACK_APP_TOKEN, or set slack.mode to http.',
    });
  }
  const socketMode = new SlackSocketMode({
    appToken: slack.appToken.reveal(),
    apiUrl: options.apiUrl,
    boltLogger: boltLogger(options.logger, { demote: SOCKET_MODE_ATTEMPT_LINES }),
    logger: options.logger,
    stopping: options.stopping,
    backoff: options.backoff,
  });
  return { receiver: socketMode.receiver, socketMode };
}
