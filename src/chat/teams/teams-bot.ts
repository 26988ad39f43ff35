/**
 * The Microsoft Teams front end, on botbuilder 4.23 (CloudAdapter + TeamsActivityHandler).
 *
 * Microsoft archived the Bot Framework SDK (botbuilder) in January 2026; the channel protocol and
 * the Azure Bot resource are unchanged, so it keeps working. Its successor, the Microsoft 365
 * Agents SDK (`@microsoft/agents-hosting`), keeps a botbuilder-compatible API (CloudAdapter,
 * ActivityHandler, TurnContext). Everything botbuilder-specific lives in this folder
 * (`src/chat/teams/`): moving to the successor touches only these files and their tests.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudAdapter, TurnContext } from 'botbuilder';
import type { BotFrameworkAuthentication, ClaimsIdentity } from 'botframework-connector';
import type { Logger } from 'pino';
import { planIdOf } from '../../approvals/card.js';
import type { Actor, CommandPlace } from '../../commands/context.js';
import { errorToMessage } from '../../commands/error-message.js';
import type { MailsetupConfig } from '../../config/schema.js';
import { redact } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';
import type { AlertActions, AlertPosterRegistry } from '../../monitor/contract.js';
import type { ChatStore } from '../../store/store.js';
import { type ChatCommandHandler, commandVerb, LiveReply, runChatCommand, workingMessage } from '../front-end.js';
import { MailsetupTeamsHandler, storedReference } from './activity-handler.js';
import { ActivityTooLarge, answerError, isSigningKeyFetchFailure, MAX_ACTIVITY_BYTES, readActivityBody } from './activity-request.js';
import { isAlertVerb, TeamsAlertActions } from './alert-actions.js';
import { TeamsAlertPoster } from './alert-poster.js';
import { teamsAuthentication } from './auth.js';
import { type TeamsApprovals, TeamsCardPublisher, TeamsPlanActions } from './plan-actions.js';
import { TeamsReply } from './teams-reply.js';

export interface TeamsBotOptions {
  config: Pick<MailsetupConfig, 'teams'>;
  handleCommand: ChatCommandHandler;
  store: ChatStore;
  logger: Logger;
  /** Defaults to the app registration in `config.teams`; `anonymousTeamsAuthentication()` for the lab only. */
  authentication?: BotFrameworkAuthentication;
  /** Defaults to `teams.port` (3978). */
  port?: number;
  /** The interface to listen on (all by default; Teams reaches the bot through your HTTPS ingress). */
  host?: string;
  updateIntervalMs?: number;
  placeholderAfterMs?: number;
  /** The fix flow: plan cards' Action.Execute / Action.Submit are handled, and their cards rewritten, when given. */
  approvals?: TeamsApprovals;
  /** The alert book: alert buttons are handled, and a Teams poster (proactive, stored references) is registered, when given. */
  alerts?: AlertActions & AlertPosterRegistry;
}

export const TEAMS_MESSAGES_PATH = '/api/messages';

/**
 * Teams: `POST /api/messages` on node:http. A message (in personal chat, or @mentioning the bot in a
 * channel) is a command: Teams gets its HTTP 200 at once, the reply card is sent, then updated as
 * checks finish (throttled), and cards that do not fit follow. Conversation references are stored
 * on install and on every message, for proactive alerts later.
 */
export class TeamsBot {
  readonly adapter: CloudAdapter;
  readonly handler: MailsetupTeamsHandler;
  /** The `/api/messages` listener, to mount in another HTTP server instead of `start()`. */
  readonly requestListener: RequestListener;
  readonly #options: TeamsBotOptions;
  readonly #auth: BotFrameworkAuthentication;
  readonly #logger: Logger;
  readonly #running = new Set<Promise<void>>();
  readonly #abort = new AbortController();
  #server: Server | undefined;
  readonly #cards: TeamsCardPublisher | undefined;

  constructor(options: TeamsBotOptions) {
    if (!options.authentication && !options.config.teams) {
      throw new MailsetupError('ConfigInvalid', 'Teams is not configured.', {
        hint: 'Add a teams section (or set MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppTenantId).',
      });
    }
    this.#options = options;
    this.#logger = options.logger.child({ component: 'teams' });
    this.#auth = options.authentication ?? teamsAuthentication(options.config.teams as NonNullable<MailsetupConfig['teams']>);
    this.adapter = new CloudAdapter(this.#auth);
    this.adapter.onTurnError = async (context, error) => {
      const reply = errorToMessage(error, (reference, cause) =>
        this.#logger.error({ reference, err: redact(String(cause)) }, 'Teams turn failed'),
      );
      await context.sendActivity({ type: 'message', text: redact(reply.summary) }).catch(() => {});
    };
    const track = (work: Promise<void>) => {
      this.#running.add(work);
      void work.finally(() => this.#running.delete(work));
    };
    const planActions = options.approvals ? new TeamsPlanActions(options.approvals, track) : undefined;
    if (options.approvals) {
      this.#cards = new TeamsCardPublisher(this.adapter, options.config.teams?.appId ?? '', options.store, this.#logger);
      options.approvals.setPublisher('teams', this.#cards);
    }
    const alertActions = options.alerts
      ? new TeamsAlertActions({
          alerts: options.alerts,
          adapter: this.adapter,
          logger: this.#logger,
          track,
          planCardPosted: (planId, reply, conversationId) => {
            if (!reply.activityId || !this.#cards) return;
            this.#cards.posted(reply.activityId, reply);
            options.approvals?.cardPosted(planId, { platform: 'teams', conversationId, messageId: reply.activityId });
          },
        })
      : undefined;
    // Proactive alerts go through the conversation references stored on install.
    options.alerts?.setPoster('teams', new TeamsAlertPoster(this.adapter, options.config.teams?.appId ?? '', options.store));
    const buttons = planActions || alertActions;
    this.handler = new MailsetupTeamsHandler({
      command: (text, actor, context, place) => this.#startCommand(text, actor, context, place),
      ...(buttons
        ? {
            cardAction: async (context, value) => {
              if (alertActions && isAlertVerb(value.action?.verb)) return alertActions.cardAction(context, value);
              if (planActions) return planActions.cardAction(context, value);
              return {
                statusCode: 200,
                type: 'application/vnd.microsoft.activity.message',
                value: 'That button does nothing in this version of mailsetup.' as never,
              };
            },
            submit: async (context, value) =>
              ((await alertActions?.submit(context, value)) ?? false) || ((await planActions?.submit(context, value)) ?? false),
          }
        : {}),
      remember: async (context) => this.#remember(context),
      forget: async (context) => this.#forget(context),
      unsupported: async (context) => {
        await context.sendActivity({ type: 'message', text: 'That button does nothing in this version of mailsetup yet.' });
      },
    });
    this.requestListener = (req, res) => {
      void this.#serve(req, res).catch((error: unknown) => {
        this.#logger.error({ err: redact(String(error)) }, 'Teams request failed');
        if (!res.headersSent) respond(res, 500);
        else res.end();
      });
    };
  }

  /** Listens on `port` (default `teams.port`). Returns the port. */
  async start(): Promise<{ port: number }> {
    const server = createServer(this.requestListener);
    const port = this.#options.port ?? this.#options.config.teams?.port ?? 3978;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, this.#options.host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new MailsetupError('ConfigInvalid', `The Teams endpoint cannot listen on port ${port} (${error.code ?? error.message}).`, {
        hint: 'Choose a free port with teams.port.',
      });
    });
    this.#server = server;
    const actual = (server.address() as AddressInfo).port;
    this.#logger.info({ port: actual, path: TEAMS_MESSAGES_PATH }, 'Teams front end listening');
    return { port: actual };
  }

  /** Stops listening, cancels running commands and waits (briefly) for their last message. */
  async stop(): Promise<void> {
    this.#abort.abort();
    const server = this.#server;
    this.#server = undefined;
    if (server) {
      await new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      });
    }
    await Promise.race([Promise.allSettled([...this.#running]), new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== TEAMS_MESSAGES_PATH) return respond(res, 404);
    if (req.method !== 'POST') return respond(res, 405);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await readActivityBody(req)) as Record<string, unknown>;
      if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new Error('not an object');
    } catch (error) {
      if (error instanceof ActivityTooLarge) {
        this.#logger.warn({ limitBytes: MAX_ACTIVITY_BYTES }, 'Refused a Teams activity over the size limit');
        return answerError(res, 413, 'ActivityTooLarge', error.message, { Connection: 'close' });
      }
      return respond(res, 400, 'The request body is not a Bot Framework activity.');
    }
    const authorization = String(req.headers.authorization ?? '');
    // Authenticate first, so that a refused request is answered here (our log, no stack on the console).
    try {
      await this.#auth.authenticateRequest(body as never, authorization);
    } catch (error) {
      const status = (error as { statusCode?: number }).statusCode;
      if (status === 401 || status === 403) {
        this.#logger.warn({ status, type: body.type }, 'Refused a Teams request without a valid Bot Connector token');
        return respond(res, 401);
      }
      if (isSigningKeyFetchFailure(error)) {
        // Not the sender's fault: 503 tells the Bot Connector to deliver the activity again later.
        this.#logger.error(
          { err: redact(error instanceof Error ? error.message : String(error)) },
          "Bot Framework's signing keys could not be fetched; the request was answered 503",
        );
        return answerError(
          res,
          503,
          'ServiceUnavailable',
          "The bot cannot verify the request now: Bot Framework's signing keys could not be fetched.",
          { 'Retry-After': '30' },
        );
      }
      throw error;
    }
    await this.adapter.process({ body, headers: req.headers, method: req.method }, nodeResponse(res), (context) =>
      this.handler.run(context),
    );
  }

  async #remember(context: TurnContext): Promise<void> {
    const activity = context.activity;
    const { conversationId, reference } = storedReference(activity);
    if (!conversationId) return;
    try {
      const outcome = this.#options.store.saveConversationRef({
        platform: 'teams',
        conversationId,
        scope: activity.conversation?.conversationType,
        tenantId: (activity.channelData as { tenant?: { id?: string } } | undefined)?.tenant?.id ?? activity.conversation?.tenantId,
        reference: reference as Record<string, unknown>,
      });
      if (outcome === 'created')
        this.#logger.info({ conversationType: activity.conversation?.conversationType }, 'Stored a Teams conversation reference');
    } catch (error) {
      this.#logger.warn({ err: redact(String(error)) }, 'A Teams conversation reference could not be stored');
    }
  }

  async #forget(context: TurnContext): Promise<void> {
    const { conversationId } = storedReference(context.activity);
    try {
      this.#options.store.deleteConversationRef('teams', conversationId);
    } catch (error) {
      this.#logger.warn({ err: redact(String(error)) }, 'A Teams conversation reference could not be removed');
    }
  }

  /** Starts the command outside the turn, so Teams gets its HTTP answer at once. */
  async #startCommand(text: string, actor: Actor, context: TurnContext, place: CommandPlace): Promise<void> {
    const identity = context.turnState.get(context.adapter.BotIdentityKey) as ClaimsIdentity;
    // The full reference (with the thread and the message id), so the reply lands where the command was asked.
    const reply = new TeamsReply(this.adapter, identity, TurnContext.getConversationReference(context.activity));
    // Begin after this turn has answered Teams: the command's first synchronous steps (building
    // adapters, say) must not hold up the HTTP response.
    const work = new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.#run(text, actor, place, reply));
    this.#running.add(work);
    void work.finally(() => this.#running.delete(work));
  }

  async #run(text: string, actor: Actor, place: CommandPlace, reply: TeamsReply): Promise<void> {
    const live = new LiveReply(reply, {
      intervalMs: this.#options.updateIntervalMs,
      placeholder: { afterMs: this.#options.placeholderAfterMs ?? 800, message: workingMessage(text) },
      onError: (error) => this.#logger.warn({ err: redact(String(error)) }, 'A progress update did not reach Teams'),
    });
    // Teams has no ephemeral bot messages in channels; a usage error is a short ordinary reply.
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
      await live.finish(final);
      await reply.complete(final);
      const planId = planIdOf(final);
      if (planId && reply.activityId && this.#cards) {
        this.#cards.posted(reply.activityId, reply);
        this.#options.approvals?.cardPosted(planId, {
          platform: 'teams',
          conversationId: place.channelId ?? '',
          messageId: reply.activityId,
        });
      }
    } catch (error) {
      this.#logger.error({ err: redact(String(error)) }, 'The reply could not be posted to Teams');
    }
    if (commandVerb(text) === 'status' && !final.ephemeral && final.blocks.length > 0) {
      try {
        this.#options.store.saveLastStatus({
          message: final,
          at: new Date().toISOString(),
          requestedBy: actor.displayName ?? actor.userId,
          platform: 'teams',
        });
      } catch (error) {
        this.#logger.warn({ err: redact(String(error)) }, 'The last status could not be stored');
      }
    }
  }
}

function respond(res: ServerResponse, status: number, text?: string): void {
  res.writeHead(status, text ? { 'Content-Type': 'text/plain; charset=utf-8' } : {});
  res.end(text);
}

/** botbuilder's `Response` (status/header/send/end, as Express and Restify have them) over node:http. */
function nodeResponse(res: ServerResponse) {
  return {
    socket: res.socket,
    status(code: number) {
      res.statusCode = code;
      return this;
    },
    header(name: string, value: unknown) {
      res.setHeader(name, String(value));
      return this;
    },
    send(body?: unknown) {
      if (body === undefined || body === null) return this;
      if (typeof body === 'string' || Buffer.isBuffer(body)) res.write(body);
      else {
        if (!res.headersSent) res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.write(JSON.stringify(body));
      }
      return this;
    },
    end() {
      res.end();
      return this;
    },
  };
}
