import { redact } from '../../config/secret.js';
import { isMailsetupError, MailsetupError } from '../../errors.js';
import type { MsalWireEvidence } from './msal-network.js';

export interface TokenErrorContext {
  clientId: string;
  tenantId: string;
  authorityHost: string;
  /** `client secret` or `certificate`. */
  credential: 'client secret' | 'certificate';
  evidence: MsalWireEvidence;
}

/** What MSAL's ServerError / AuthError carry (typed loosely: MSAL's classes are not needed here). */
interface MsalErrorLike {
  errorCode?: string;
  errorMessage?: string;
  errorNo?: string | number;
  status?: number;
  message?: string;
}

/**
 * Maps a failed client-credentials request to a coded error with a sentence the admin can act on.
 * The app is named by its id; the secret never appears.
 */
export function mapTokenError(error: unknown, ctx: TokenErrorContext): MailsetupError {
  if (isMailsetupError(error)) return error;
  const { failure, errorAnswer } = ctx.evidence;
  // Unreachable, timed out, untrusted, garbled: the sender already said which host and why.
  if (failure) return signInTransportFailure(failure);

  const msal = (error ?? {}) as MsalErrorLike;
  const answerCodes = errorAnswer?.body.error_codes;
  const code = Number(
    msal.errorNo ?? (Array.isArray(answerCodes) ? answerCodes[0] : undefined) ?? aadstsIn(msal.errorMessage ?? msal.message),
  );
  const description = firstSentences(String(errorAnswer?.body.error_description ?? msal.errorMessage ?? msal.message ?? ''));
  const status = errorAnswer?.status ?? msal.status;
  const details = { aadsts: Number.isFinite(code) ? code : undefined, httpStatus: status, msalError: msal.errorCode };
  const app = `app ${ctx.clientId}`;

  switch (code) {
    case 7000215:
    case 7000222:
      return new MailsetupError(
        'AuthFailed',
        `Microsoft sign-in rejected the client secret of ${app} (AADSTS${code}: ${code === 7000222 ? 'the secret has expired' : 'invalid client secret'}).`,
        {
          hint: `Renew the secret: Entra admin center → App registrations → ${ctx.clientId} → Certificates & secrets → New client secret, and put its Value (not its Secret ID) in the config — or switch to a certificate, the recommended form.`,
          source: 'token',
          details,
        },
      );
    case 90002:
      return new MailsetupError('AuthFailed', `Microsoft sign-in does not know tenant ${ctx.tenantId} (AADSTS90002: tenant not found).`, {
        hint: 'Check tenants[].tenantId (Entra admin center → Overview → Tenant ID) and that services.authorityHost is the right cloud.',
        source: 'token',
        details,
      });
    case 700016:
      // Also what a multi-tenant app gets before an admin of this tenant consented to it.
      return new MailsetupError(
        'AuthFailed',
        `Microsoft sign-in does not know ${app} in tenant ${ctx.tenantId}: it is not registered or not consented there (AADSTS700016).`,
        {
          hint: `Check tenants[].microsoft.clientId (App registrations → Application (client) ID), then have an admin of the tenant grant consent: ${adminConsentUrl(ctx)}`,
          source: 'token',
          details,
        },
      );
    case 700027:
    case 700024:
    case 50027:
    case 7000218:
      return new MailsetupError(
        'AuthFailed',
        `Microsoft sign-in rejected the ${ctx.credential} of ${app} (AADSTS${code}: ${description}).`,
        {
          hint:
            ctx.credential === 'certificate'
              ? `Upload the certificate whose thumbprint is in the config to App registrations → ${ctx.clientId} → Certificates & secrets, and check that the private key belongs to it and the bot's clock is right.`
              : 'Check tenants[].microsoft in the config.',
          source: 'token',
          details,
        },
      );
  }
  if (status === 429) {
    return new MailsetupError('AdapterThrottled', 'Microsoft sign-in is throttling the bot.', {
      hint: 'This passes on its own; try again in a few minutes.',
      source: 'token',
      details,
    });
  }
  if (status !== undefined && status >= 500) {
    return new MailsetupError('AdapterUnavailable', `Microsoft sign-in (${hostOf(ctx.authorityHost)}) is unavailable (HTTP ${status}).`, {
      hint: 'This is usually passing; try again in a few minutes.',
      source: 'token',
      details,
    });
  }
  if (Number.isFinite(code)) {
    return new MailsetupError('AuthFailed', `Microsoft sign-in refused a token for ${app} (AADSTS${code}: ${description}).`, {
      hint: 'Look the code up in the Entra sign-in logs of the service principal, then fix the app registration.',
      source: 'token',
      details,
    });
  }
  return new MailsetupError(
    'AdapterUnavailable',
    `Could not get a token from Microsoft sign-in (${hostOf(ctx.authorityHost)}): ${redact(msal.errorCode ?? msal.message ?? 'unknown error')}.`,
    {
      hint: 'Check services.authorityHost and that the bot can reach it.',
      source: 'token',
      details,
    },
  );
}

/** A transport failure said as a sign-in failure: the fix names the setting that points there. */
function signInTransportFailure(failure: MailsetupError): MailsetupError {
  if (
    failure.code !== 'AdapterUnavailable' ||
    failure.details?.errorCode === undefined ||
    /CERT|SELF_SIGNED|UNABLE_TO|ERR_TLS/.test(String(failure.details.errorCode))
  ) {
    return failure;
  }
  return new MailsetupError('AdapterUnavailable', failure.message, {
    hint: 'Check services.authorityHost (https://login.microsoftonline.com in the public cloud) and that the bot can reach it (DNS, firewall, proxy).',
    source: 'token',
    details: failure.details,
  });
}

/** Where an admin grants the app's application permissions in this tenant. */
function adminConsentUrl(ctx: TokenErrorContext): string {
  return `${ctx.authorityHost.replace(/\/+$/, '')}/${ctx.tenantId}/adminconsent?client_id=${ctx.clientId}`;
}

function aadstsIn(text: string | undefined): number {
  const match = /AADSTS(\d+)/.exec(text ?? '');
  return match ? Number(match[1]) : Number.NaN;
}

/** The first sentence(s) of an AADSTS description, without its code and trace ids. */
function firstSentences(text: string): string {
  const withoutIds = text.replace(/\s*Trace ID:.*$/s, '').replace(/^.*?AADSTS\d+:\s*/s, '');
  const cut = withoutIds.length > 240 ? `${withoutIds.slice(0, 240)}…` : withoutIds;
  return redact(cut.trim());
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
