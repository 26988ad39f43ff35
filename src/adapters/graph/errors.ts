import { GraphError } from '@microsoft/microsoft-graph-client';
import { redact } from '../../config/secret.js';
import { isMailsetupError, MailsetupError } from '../../errors.js';
import { GraphTransportFailure } from './https-handler.js';

export interface GraphCallContext {
  /** What was being read, for messages: "the users", "the domains". */
  what: string;
  /** The Graph application permission this read needs: `User.Read.All`, `Domain.Read.All`, … */
  permission: string;
  clientId: string;
}

/** Maps whatever the Graph client threw to a coded error with a sentence the admin can act on. */
export function mapGraphError(error: unknown, ctx: GraphCallContext): MailsetupError {
  if (error instanceof GraphTransportFailure) return error.failure;
  if (isMailsetupError(error)) return error;
  // Not an HTTP answer (statusCode -1): the client wrapped something thrown on the way; its `code`
  // would be a class name, not a Graph code.
  if (error instanceof GraphError && !(error.statusCode >= 100)) {
    return new MailsetupError('Internal', `Reading ${ctx.what} from Microsoft Graph failed before Graph answered.`, {
      hint: 'Try again; if it keeps failing, the bot log has the details.',
      source: 'graph',
      cause: error,
    });
  }
  if (!(error instanceof GraphError)) {
    return new MailsetupError(
      'Internal',
      `Unexpected error reading ${ctx.what} from Microsoft Graph: ${redact(error instanceof Error ? error.message : String(error))}`,
      {
        source: 'graph',
        cause: error,
      },
    );
  }
  const status = error.statusCode;
  const code = error.code ?? '';
  const said = redact(error.message ?? '');
  const details = { httpStatus: status, graphCode: code || undefined, requestId: error.requestId ?? undefined };
  if (status === 403) {
    return new MailsetupError(
      'InsufficientPermission',
      `App ${ctx.clientId} may not read ${ctx.what} in Microsoft Graph (${code}: ${said}).`,
      {
        hint: `Grant it the Microsoft Graph application permission ${ctx.permission} (Entra admin center → App registrations → ${ctx.clientId} → API permissions → Add a permission → Microsoft Graph → Application permissions), then "Grant admin consent".`,
        source: 'graph',
        details: { ...details, permission: ctx.permission },
      },
    );
  }
  if (status === 401) {
    return new MailsetupError('AuthFailed', `Microsoft Graph refused the bot's token while reading ${ctx.what} (${code}: ${said}).`, {
      hint: 'Check that services.graphUrl matches the cloud of services.authorityHost, and that the app registration is enabled.',
      source: 'graph',
      details,
    });
  }
  if (status === 404) {
    return new MailsetupError('NotFound', `Microsoft Graph could not find ${ctx.what} (${code || 'HTTP 404'}).`, {
      hint: 'Check that services.graphUrl points at Microsoft Graph v1.0 (https://graph.microsoft.com/v1.0).',
      source: 'graph',
      details,
    });
  }
  if (status === 429) {
    const retryAfter = error.headers?.get('retry-after') ?? undefined;
    return new MailsetupError(
      'AdapterThrottled',
      `Microsoft Graph is throttling the bot${retryAfter ? ` (it asks to wait ${retryAfter} s)` : ''}; ${ctx.what} could not be read.`,
      {
        hint: 'This passes on its own; try again in a few minutes.',
        source: 'graph',
        details: { ...details, retryAfter },
      },
    );
  }
  if (status >= 500) {
    return new MailsetupError(
      'AdapterUnavailable',
      `Microsoft Graph is unavailable (HTTP ${status}${code ? ` ${code}` : ''}) while reading ${ctx.what}.`,
      {
        hint: 'This is usually passing; try again in a few minutes.',
        source: 'graph',
        details,
      },
    );
  }
  if (status >= 200 && status < 300) {
    return garbled(ctx, `an answer that is not the JSON Graph promises (${said})`);
  }
  return new MailsetupError(
    'AdapterUnavailable',
    `Microsoft Graph rejected the request for ${ctx.what} (HTTP ${status}${code ? ` ${code}` : ''}: ${said}).`,
    {
      hint: 'services.graphUrl may not point at Microsoft Graph v1.0.',
      source: 'graph',
      details,
    },
  );
}

export function garbled(ctx: Pick<GraphCallContext, 'what'>, what: string): MailsetupError {
  return new MailsetupError('GarbledResponse', `Microsoft Graph sent ${what} for ${ctx.what}.`, {
    hint: 'Check services.graphUrl; a proxy may be answering instead of Graph.',
    source: 'graph',
  });
}
