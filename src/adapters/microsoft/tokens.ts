import { readFileSync } from 'node:fs';
import { ConfidentialClientApplication, type Configuration, LogLevel } from '@azure/msal-node';
import { Secrets } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';
import type { AdapterFactoryOptions } from '../options.js';
import { createHttpSend } from './http.js';
import { createMsalNetwork, type MsalWireEvidence } from './msal-network.js';
import { mapTokenError } from './token-errors.js';

export type MicrosoftResource = 'graph' | 'exchange';

/** App-only tokens for one tenant, one per resource. */
export interface TokenProvider {
  /** `graph` → Graph; `exchange` → Exchange Online (admin API and IMAP XOAUTH2). */
  getToken(resource: MicrosoftResource, signal?: AbortSignal): Promise<string>;
}

/** A token is renewed this long before it expires. */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The `.default` scope of each resource, from the configured addresses: in the real world
 * `https://graph.microsoft.com/.default` and `https://outlook.office365.com/.default` (the Exchange
 * one is also the IMAP XOAUTH2 audience); in the lab, its own origins.
 */
export function resourceScopes(services: AdapterFactoryOptions['services']): Record<MicrosoftResource, string> {
  return {
    graph: `${new URL(services.graphUrl).origin}/.default`,
    exchange: `${new URL(services.exchangeAdminUrl).origin}/.default`,
  };
}

/**
 * Client-credentials tokens through MSAL (`acquireTokenByClientCredential`), with a certificate
 * (recommended) or a client secret, from `services.authorityHost/<tenantId>`. Tokens are cached
 * until shortly before expiry; concurrent callers share one request; MSAL calls run one at a
 * time so the authority's metadata is fetched once.
 * @example const tokens = createTokenProvider(options); await tokens.getToken('graph');
 */
export function createTokenProvider(options: AdapterFactoryOptions): TokenProvider {
  const { tenant, services } = options;
  const scopes = resourceScopes(services);
  const cache = new Map<MicrosoftResource, { token: string; expiresAt: number }>();
  const inFlight = new Map<MicrosoftResource, Promise<string>>();
  const evidence: MsalWireEvidence = {};
  let msal: ConfidentialClientApplication | undefined;
  let queue: Promise<unknown> = Promise.resolve();

  const credential = tenant.microsoft?.certificate ? 'certificate' : 'client secret';

  function client(): ConfidentialClientApplication {
    if (msal) return msal;
    const app = tenant.microsoft;
    if (!app) {
      throw new MailsetupError(
        'NotConfigured',
        `Not checked: tenant ${tenant.name} has no Microsoft app (tenants[].microsoft), so Exchange Online and Microsoft Graph are not read.`,
        {
          hint: 'To check them, add tenants[].microsoft with the app registration clientId and a certificate (or clientSecret).',
          source: 'token',
        },
      );
    }
    const send = createHttpSend({ ca: options.ca, timeoutMs: options.timeouts.fetchMs, label: 'Microsoft sign-in', source: 'token' });
    const authorityHost = services.authorityHost.replace(/\/+$/, '');
    const config: Configuration = {
      auth: {
        clientId: app.clientId,
        authority: `${authorityHost}/${tenant.tenantId}`,
        // Trusting the configured host skips instance discovery, which MSAL would otherwise send
        // to login.microsoftonline.com whatever the authority (the lab, a sovereign cloud).
        knownAuthorities: [new URL(authorityHost).host],
        ...credentialOptions(app),
      },
      system: {
        networkClient: createMsalNetwork(send, evidence),
        loggerOptions: {
          logLevel: LogLevel.Warning,
          piiLoggingEnabled: false,
          loggerCallback: (_level, message) => options.logger.debug({ msal: message }, 'msal'),
        },
      },
    };
    msal = new ConfidentialClientApplication(config);
    return msal;
  }

  /**
   * A sign-in failure that does not depend on the resource (authority unreachable, wrong secret or
   * certificate, app unknown): requests queued while it happened get the same error without asking
   * again, so every check that needed a token reports the same sentence, once per run.
   */
  let sharedFailure: { error: MailsetupError; upTo: number } | undefined;
  let tickets = 0;

  async function acquire(resource: MicrosoftResource, ticket: number): Promise<string> {
    if (sharedFailure && ticket <= sharedFailure.upTo) throw sharedFailure.error;
    evidence.failure = undefined;
    evidence.errorAnswer = undefined;
    try {
      const result = await client().acquireTokenByClientCredential({ scopes: [scopes[resource]], skipCache: true });
      if (!result?.accessToken) {
        throw new MailsetupError('GarbledResponse', 'Microsoft sign-in answered without an access token.', { source: 'token' });
      }
      const expiresAt = result.expiresOn?.getTime() ?? Date.now() + 3600_000;
      Secrets.registerIssued(result.accessToken);
      cache.set(resource, { token: result.accessToken, expiresAt });
      return result.accessToken;
    } catch (error) {
      const mapped = mapTokenError(error, {
        clientId: tenant.microsoft?.clientId ?? '(none)',
        tenantId: tenant.tenantId,
        authorityHost: services.authorityHost,
        credential,
        evidence,
      });
      if (!isResourceSpecific(mapped)) sharedFailure = { error: mapped, upTo: tickets };
      throw mapped;
    }
  }

  return {
    getToken(resource, signal) {
      const cached = cache.get(resource);
      if (cached && cached.expiresAt - REFRESH_MARGIN_MS > Date.now()) return Promise.resolve(cached.token);
      let pending = inFlight.get(resource);
      if (!pending) {
        const ticket = ++tickets;
        const run = queue.then(() => acquire(resource, ticket));
        queue = run.catch(() => undefined);
        pending = run.finally(() => inFlight.delete(resource));
        inFlight.set(resource, pending);
      }
      return abortable(pending, signal);
    },
  };
}

/** AADSTS500011 (no such resource in the tenant) and throttling concern one resource; the rest the sign-in itself. */
function isResourceSpecific(error: MailsetupError): boolean {
  return error.code === 'AdapterThrottled' || error.details?.aadsts === 500011;
}

type MicrosoftApp = NonNullable<AdapterFactoryOptions['tenant']['microsoft']>;

/** The certificate when configured (SHA-1 or SHA-256 thumbprint by its length), else the secret. */
function credentialOptions(app: MicrosoftApp): Pick<Configuration['auth'], 'clientSecret' | 'clientCertificate'> {
  if (app.certificate) {
    const thumbprint = app.certificate.thumbprint.replace(/:/g, '').toLowerCase();
    const x5c = app.certificate.certificatePath ? readCertificate(app.certificate.certificatePath) : undefined;
    const privateKey = app.certificate.privateKey.reveal();
    return {
      clientCertificate: thumbprint.length === 64 ? { thumbprintSha256: thumbprint, privateKey, x5c } : { thumbprint, privateKey, x5c },
    };
  }
  if (app.clientSecret) return { clientSecret: app.clientSecret.reveal() };
  throw new MailsetupError('ConfigInvalid', 'tenants[].microsoft needs a certificate or a clientSecret.');
}

function readCertificate(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new MailsetupError(
      'ConfigInvalid',
      `Cannot read the certificate file ${path} (tenants[].microsoft.certificate.certificatePath).`,
      {
        hint: 'Check the path and that the bot may read it, or leave certificatePath out.',
      },
    );
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(cancelled());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

function cancelled(): MailsetupError {
  return new MailsetupError('AdapterTimeout', 'Waiting for a Microsoft token was cancelled.', { source: 'token' });
}
