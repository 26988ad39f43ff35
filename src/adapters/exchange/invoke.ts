import { MailsetupError } from '../../errors.js';
import type { HttpSend } from '../microsoft/http.js';
import { sendHonouringRetryAfter, type ThrottlePolicy } from '../microsoft/throttle.js';
import type { TokenProvider } from '../microsoft/tokens.js';
import { mapExoAnswer } from './errors.js';
import type { CmdletParameters } from './types.js';

/** The routing hint the EXO module sends for tenant-wide (not per-mailbox) cmdlets. */
const SYSTEM_MAILBOX = 'SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}';
const MAX_PAGES = 1000;
const CMDLET_NAME = /^[A-Z][A-Za-z]+-[A-Za-z]+$/;

export interface InvokeCommandClient {
  /** Runs a cmdlet and returns the objects of every page. */
  run(cmdlet: string, parameters: CmdletParameters, signal?: AbortSignal): Promise<Record<string, unknown>[]>;
}

export interface InvokeCommandOptions {
  /** `https://outlook.office365.com` */
  exchangeAdminUrl: string;
  tenantId: string;
  clientId: string;
  send: HttpSend;
  tokens: TokenProvider;
  policy?: ThrottlePolicy;
}

/**
 * `POST {exchangeAdminUrl}/adminapi/beta/{tenantId}/InvokeCommand` with
 * `{"CmdletInput":{"CmdletName","Parameters"}}`: parameters travel as typed JSON values, never as
 * command text. Pages are read by re-POSTing the same body to `@odata.nextLink`; 429 waits are
 * honoured within a budget.
 */
export function createInvokeCommandClient(options: InvokeCommandOptions): InvokeCommandClient {
  const base = new URL(options.exchangeAdminUrl.replace(/\/+$/, ''));
  const firstUrl = `${base.origin}${base.pathname === '/' ? '' : base.pathname}/adminapi/beta/${encodeURIComponent(options.tenantId)}/InvokeCommand`;

  return {
    async run(cmdlet, parameters, signal) {
      if (!CMDLET_NAME.test(cmdlet)) throw new MailsetupError('Internal', `Not a cmdlet name: ${JSON.stringify(cmdlet).slice(0, 60)}`);
      const body = JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } });
      const ctx = { cmdlet, clientId: options.clientId };
      const objects: Record<string, unknown>[] = [];
      let url: string | undefined = firstUrl;
      for (let page = 0; url !== undefined; page++) {
        if (page >= MAX_PAGES) throw garbled(cmdlet, `more than ${MAX_PAGES} pages`);
        const target: string = url;
        const response = await sendHonouringRetryAfter(
          async () =>
            options.send({
              url: target,
              method: 'POST',
              body,
              signal,
              // Every cmdlet is a POST; only a Get- is safe to send twice.
              retrySafe: cmdlet.startsWith('Get-'),
              headers: {
                authorization: `Bearer ${await options.tokens.getToken('exchange', signal)}`,
                'content-type': 'application/json; charset=utf-8',
                accept: 'application/json',
                prefer: 'odata.maxpagesize=1000',
                'x-anchormailbox': `APP:${SYSTEM_MAILBOX}@${options.tenantId}`,
              },
            }),
          { policy: options.policy, signal, label: 'Exchange Online', source: 'exchange' },
        );
        if (response.status < 200 || response.status >= 300) throw mapExoAnswer(response, ctx);
        const parsed = parsePage(response.body, cmdlet);
        objects.push(...parsed.value);
        if (parsed.nextLink !== undefined && originOf(parsed.nextLink) !== base.origin) {
          throw garbled(cmdlet, 'a next-page link to another host');
        }
        url = parsed.nextLink;
      }
      return objects;
    },
  };
}

function parsePage(text: string, cmdlet: string): { value: Record<string, unknown>[]; nextLink?: string } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw garbled(cmdlet, 'an answer that is not JSON');
  }
  if (!body || typeof body !== 'object') throw garbled(cmdlet, 'an answer that is not an object');
  const record = body as Record<string, unknown>;
  if (!('value' in record)) throw garbled(cmdlet, 'an answer without `value`');
  // A cmdlet that only warns answers `value: null` (its warnings are in `@adminapi.warnings`).
  const value = record.value ?? [];
  if (!Array.isArray(value) || value.some((v) => !v || typeof v !== 'object'))
    throw garbled(cmdlet, '`value` that is not a list of objects');
  const next = record['@odata.nextLink'];
  if (next !== undefined && next !== null && typeof next !== 'string') throw garbled(cmdlet, 'a next-page link that is not a URL');
  return { value: value as Record<string, unknown>[], nextLink: typeof next === 'string' ? next : undefined };
}

function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

function garbled(cmdlet: string, what: string): MailsetupError {
  return new MailsetupError('GarbledResponse', `Exchange Online sent ${what} for ${cmdlet}.`, {
    hint: 'Check services.exchangeAdminUrl; the admin endpoint is not officially supported and may have changed.',
    source: 'exchange',
  });
}
