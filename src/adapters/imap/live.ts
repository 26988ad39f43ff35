import { MailsetupError } from '../../errors.js';
import type { TokenProvider } from '../microsoft/tokens.js';
import type { AdapterFactoryOptions } from '../options.js';
import { IMAP_LOGIN_TIMEOUT_MS, type MailboxLogin, withMailbox } from './mailbox.js';
import type { ImapPort, MailboxRef } from './port.js';

const EXCHANGE_IMAP_HOST = /(^|\.)(outlook\.office365\.com|outlook\.office\.com|imap\.outlook\.com)$/i;

/**
 * The live IMAP adapter (imapflow). The catch-all mailbox is read with an app-only Exchange Online
 * token (`tenants[].imap.auth: oauth`, XOAUTH2) or a password (other servers); the probe mailbox
 * with its configured password.
 */
export function createImapAdapter(options: AdapterFactoryOptions, tokens: TokenProvider): ImapPort {
  const { tenant, services } = options;
  // Below the run's per-fetch timeout, so the IMAP hop's own, more precise error wins. The login
  // answer gets longer: servers delay a refused login by seconds (see IMAP_LOGIN_TIMEOUT_MS).
  const mailboxOptions = (signal?: AbortSignal) => ({
    ca: options.ca,
    timeoutMs: Math.max(250, Math.floor(options.timeouts.fetchMs * 0.8)),
    loginTimeoutMs: Math.max(IMAP_LOGIN_TIMEOUT_MS, options.timeouts.fetchMs),
    signal,
  });

  const loginFor = async (mailbox: MailboxRef, signal?: AbortSignal): Promise<MailboxLogin> => {
    if (mailbox === 'probe') {
      const probe = tenant.probe?.imap;
      if (!probe) {
        throw new MailsetupError('ConfigInvalid', `No probe mailbox is configured for ${tenant.name}.`, {
          hint: 'Set tenants[].probe.imap (host, port, user, password) to a mailbox outside the tenant that the bot can read.',
        });
      }
      return {
        host: probe.host,
        port: probe.port,
        secure: probe.secure,
        user: probe.user,
        password: probe.password,
        hostSetting: 'tenants[].probe.imap.host',
      };
    }
    const catchall = {
      host: services.imap.host,
      port: services.imap.port,
      secure: services.imap.port !== 143,
      exchange: tenant.imap.auth === 'oauth' || EXCHANGE_IMAP_HOST.test(services.imap.host),
      clientId: tenant.microsoft?.clientId,
      hostSetting: 'services.imap.host',
    };
    if (tenant.imap.auth === 'password') return { ...catchall, user: tenant.imap.user, password: tenant.imap.password };
    return { ...catchall, user: tenant.catchallMailbox, accessToken: await tokens.getToken('exchange', signal) };
  };

  const use = async <T>(mailbox: MailboxRef, signal: AbortSignal | undefined, run: Parameters<typeof withMailbox<T>>[2]) =>
    withMailbox(await loginFor(mailbox, signal), mailboxOptions(signal), run);

  return {
    checkLogin: (mailbox, signal) => use(mailbox, signal, async (session) => session.login),
    inspectCatchall: (signal) => use('catchall', signal, async (session) => ({ login: session.login, backlog: await session.backlog() })),
    findMessage: (mailbox, token, signal) => use(mailbox, signal, (session) => session.find(token)),
    messageSource: (mailbox, uid, signal) => use(mailbox, signal, (session) => session.source(uid)),
    deleteMessages: (mailbox, token, signal) => use(mailbox, signal, (session) => session.deleteByToken(token)),
  };
}
