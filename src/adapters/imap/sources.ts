import { defineSource } from '../../engine/source.js';
import { isMailsetupError } from '../../errors.js';
import { IMAP_LOGIN_TIMEOUT_MS } from './mailbox.js';
import type { CatchallInbox } from './port.js';

/**
 * The catch-all mailbox as the bot sees it over IMAP: one login, one read-only look at INBOX.
 * A refused login is a finding (the IMAP step of the setup is not done), so it is data here; every
 * other failure (timeout, refused connection, dropped connection) throws and makes the checks `error`.
 */
export type CatchallInboxResult =
  | { ok: true; inbox: CatchallInbox }
  | {
      ok: false;
      reason: 'auth-failed';
      host: string;
      port: number;
      user: string;
      method: string;
      /** Where it was refused: at the login, or at the mailbox after a good login (Exchange's "not connected"). */
      refusedAt: 'login' | 'mailbox';
      /** The server's answer, e.g. `AUTHENTICATE failed.`. */
      serverResponse: string;
      /** The adapter's sentences (what is wrong, what to do), free of secrets. */
      message: string;
      hint: string;
    };

export const imapCatchallInbox = defineSource<CatchallInboxResult>({
  key: 'imap.catchall-inbox',
  label: 'the catch-all mailbox over IMAP',
  // Connect and a few commands at the per-fetch timeout, plus a login answer that a refusing server
  // delays on purpose: the adapter's own sentence (a refusal, a timeout naming the stage) must win.
  timeoutMs: IMAP_LOGIN_TIMEOUT_MS + 20_000,
  fetch: async (ctx) => {
    try {
      return { ok: true, inbox: await ctx.adapters.imap.inspectCatchall(ctx.signal) };
    } catch (error) {
      if (!isMailsetupError(error) || error.code !== 'AuthFailed' || error.source !== 'imap') throw error;
      const d = error.details ?? {};
      return {
        ok: false,
        reason: 'auth-failed',
        host: String(d.host ?? ctx.services.imap.host),
        port: Number(d.port ?? ctx.services.imap.port),
        user: String(d.user ?? ctx.tenant.catchallMailbox),
        method: ctx.tenant.imap.auth === 'oauth' ? 'xoauth2' : 'password',
        refusedAt: d.refusedAt === 'mailbox' ? 'mailbox' : 'login',
        serverResponse: String(d.serverResponse ?? ''),
        message: error.message,
        hint: error.hint ?? '',
      };
    }
  },
});
