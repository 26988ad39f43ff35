import { MailsetupError } from '../../errors.js';
import { hostMismatch } from '../tls-identity.js';

/**
 * Where in the conversation a failure happened, for the sentence the user reads: `connect` up to
 * the greeting, `login` from the greeting to the authentication answer.
 */
export type ImapStage = 'connect' | 'login' | 'select' | 'search' | 'fetch' | 'delete';

export interface ImapErrorContext {
  host: string;
  port: number;
  user: string;
  stage: ImapStage;
  /** The server is Exchange Online (OAuth only): failures get the OAuth explanation. */
  exchange: boolean;
  method: 'xoauth2' | 'password';
  /** The app registration's client id, to name it in the steps (not a secret). */
  clientId?: string;
  /** The config key that holds the host, named when the certificate is for another host. */
  hostSetting?: string;
}

interface ImapFlowError extends Error {
  code?: string;
  response?: unknown;
  authenticationFailed?: boolean;
}

const TIMEOUT_CODES = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT', 'UPGRADE_TIMEOUT', 'ETIMEOUT', 'ETIMEDOUT']);
const CLOSED_CODES = new Set([
  'NoConnection',
  'EConnectionClosed',
  'ClosedAfterConnectText',
  'ClosedAfterConnectTLS',
  'ECONNRESET',
  'EPIPE',
]);

/** The server's text without the tag: `3 NO AUTHENTICATE failed.` → `AUTHENTICATE failed.`. */
export function serverText(response: unknown): string | undefined {
  return typeof response === 'string' ? response.replace(/^\S+ (NO|BAD) /, '').trim() || undefined : undefined;
}

/** Turns anything imapflow or the socket threw into a coded error that names the hop. */
export function toImapError(error: unknown, ctx: ImapErrorContext): MailsetupError {
  if (error instanceof MailsetupError) return error;
  const err = (error ?? {}) as ImapFlowError;
  const where = `the IMAP server ${ctx.host}:${ctx.port}`;
  const details = { host: ctx.host, port: ctx.port, user: ctx.user, stage: ctx.stage, ...(err.code ? { imapErrorCode: err.code } : {}) };
  const text = serverText(err.response);

  // Exchange takes the token, then refuses the first mailbox command (imapflow's NAMESPACE, or SELECT).
  if (text && NOT_CONNECTED.test(text)) return notConnected(ctx, text, details);
  if (err.authenticationFailed) return authFailed(ctx, text ?? 'authentication failed', details);
  if (err.code && TIMEOUT_CODES.has(err.code)) {
    const what =
      err.code === 'GREETING_TIMEOUT'
        ? 'sent no greeting'
        : err.code === 'CONNECT_TIMEOUT'
          ? 'did not accept the connection'
          : 'stopped answering';
    return new MailsetupError('AdapterTimeout', `${capital(where)} ${what} in time (while ${STAGE_TEXT[ctx.stage]}).`, {
      hint: 'Check that the host and port in services.imap are right and reachable from the bot; try again later if the service is slow.',
      source: 'imap',
      details,
      cause: error,
    });
  }
  if (err.code && CLOSED_CODES.has(err.code)) {
    return new MailsetupError('ConnectionLost', `${capital(where)} closed the connection while the bot was ${STAGE_TEXT[ctx.stage]}.`, {
      hint: 'The server may be overloaded or dropping clients; try again, and check services.imap (a plain-text port answered with TLS also looks like this).',
      source: 'imap',
      details,
      cause: error,
    });
  }
  if (err.code === 'ECONNREFUSED' || err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN' || err.code === 'EHOSTUNREACH') {
    const what = err.code === 'ECONNREFUSED' ? 'refused the connection' : 'cannot be reached (name or route not found)';
    return new MailsetupError('AdapterUnavailable', `${capital(where)} ${what}.`, {
      hint: "Check services.imap (Exchange Online is outlook.office365.com:993) and the bot host's network.",
      source: 'imap',
      details,
      cause: error,
    });
  }
  const mismatch = hostMismatch(error, ctx.host, ctx.hostSetting ?? 'services.imap.host');
  if (mismatch) {
    return new MailsetupError('ConfigInvalid', `${capital(mismatch)}.`, { source: 'imap', details, cause: error });
  }
  if (/certificate|self.signed|SSL|TLS/i.test(err.message ?? '') || err.code?.startsWith('ERR_TLS') || err.code?.startsWith('CERT_')) {
    return new MailsetupError('AdapterUnavailable', `The TLS handshake with ${where} failed: ${err.message}.`, {
      hint: 'If a TLS proxy re-signs traffic, add its CA in services.caFile; never turn certificate checks off.',
      source: 'imap',
      details,
      cause: error,
    });
  }
  if (err.code?.startsWith('Parser') || err.code === 'InvalidResponse' || err.code === 'UnexpectedTag') {
    return new MailsetupError(
      'GarbledResponse',
      `${capital(where)} sent something that is not IMAP while the bot was ${STAGE_TEXT[ctx.stage]}.`,
      {
        hint: 'Check that services.imap points at an IMAP server (port 993, TLS).',
        source: 'imap',
        details,
        cause: error,
      },
    );
  }
  return new MailsetupError(
    'AdapterUnavailable',
    `${capital(where)} answered "${text ?? err.message}" while the bot was ${STAGE_TEXT[ctx.stage]}.`,
    {
      hint: 'Try again; if it persists, check the mailbox in Exchange Online.',
      source: 'imap',
      details: { ...details, ...(text ? { serverResponse: text } : {}) },
      cause: error,
    },
  );
}

const STAGE_TEXT: Record<ImapStage, string> = {
  connect: 'connecting',
  login: 'logging in',
  select: 'opening INBOX',
  search: 'searching INBOX',
  fetch: 'reading messages',
  delete: 'deleting test messages',
};

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** The OAuth explanation: what Exchange Online needs before app-only IMAP works. */
export function oauthSteps(user: string, clientId = '<app id>'): string {
  return (
    'Exchange Online accepts only OAuth for IMAP. The app registration needs the application permission ' +
    'IMAP.AccessAsApp (API "Office 365 Exchange Online") with admin consent; Exchange needs its service principal: ' +
    `New-ServicePrincipal -AppId ${clientId} -ServiceId <object id of the Enterprise application, not the app registration>; ` +
    `and the mailbox must grant it access: Add-MailboxPermission -Identity ${user} -User <that service principal> -AccessRights FullAccess.`
  );
}

/** Exchange Online's answer to SELECT when the token was good but the mailbox may not be opened. */
export const NOT_CONNECTED = /User is authenticated but not connected/i;

/**
 * Exchange Online accepts the app's token and only refuses at SELECT: the service principal has no
 * FullAccess on the mailbox (or no service principal matches the token's app), or IMAP is off on it.
 */
function notConnected(ctx: ImapErrorContext, text: string, details: Record<string, unknown>): MailsetupError {
  const message = `${ctx.exchange ? 'Exchange Online' : `The IMAP server ${ctx.host}:${ctx.port}`} accepted the bot's login to ${ctx.user} but refused to open its INBOX: "${text}".`;
  const hint =
    `The app's service principal needs FullAccess on the mailbox: Add-MailboxPermission -Identity ${ctx.user} -User <service principal> -AccessRights FullAccess ` +
    `(with New-ServicePrincipal -AppId ${ctx.clientId ?? '<app id>'} -ServiceId <object id of the Enterprise application> if it has none); ` +
    `and IMAP must be on for the mailbox: Set-CASMailbox -Identity ${ctx.user} -ImapEnabled $true.`;
  return new MailsetupError('AuthFailed', message, {
    hint,
    source: 'imap',
    details: { ...details, serverResponse: text, refusedAt: 'mailbox' },
  });
}

function authFailed(ctx: ImapErrorContext, text: string, details: Record<string, unknown>): MailsetupError {
  const message = `${ctx.exchange ? 'Exchange Online' : `The IMAP server ${ctx.host}:${ctx.port}`} refused the bot's IMAP login to ${ctx.user}: "${text}".`;
  let hint: string;
  if (ctx.exchange && ctx.method === 'password') {
    hint = `Exchange Online turned off password (Basic) authentication for IMAP in 2022: set tenants[].imap.auth to oauth. ${oauthSteps(ctx.user, ctx.clientId)}`;
  } else if (ctx.exchange) {
    hint = oauthSteps(ctx.user, ctx.clientId);
  } else {
    hint = 'Check the user name and password in the config.';
  }
  return new MailsetupError('AuthFailed', message, {
    hint,
    source: 'imap',
    details: { ...details, serverResponse: text, refusedAt: 'login' },
  });
}
