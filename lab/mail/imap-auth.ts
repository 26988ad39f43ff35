import { randomBytes } from 'node:crypto';
import { recordIssuedToken } from '../issued-tokens.js';
import { validateLabToken } from '../microsoft/tokens.js';
import type { LabState } from '../state.js';
import { findExchangeMailbox } from './directory.js';
import type { LabImapGrant, LabMailbox, MailboxHost } from './state.js';
import { ensureMailbox, findMailbox } from './store.js';

/** Exchange Online's answers since Basic auth for IMAP was turned off (Oct 2022). */
export const EXO_IMAP_TEXT = {
  authenticateFailed: 'AUTHENTICATE failed.',
  loginFailed: 'LOGIN failed.',
  /**
   * A valid token, but the mailbox cannot be opened over IMAP: at AUTHENTICATE when IMAP is off on
   * it; at SELECT (after `AUTHENTICATE completed.`) when the app's service principal has no
   * FullAccess on it.
   */
  notConnected: 'User is authenticated but not connected.',
} as const;

/** `connected: false`: authenticated, but every mailbox command is refused (no FullAccess). */
export type ImapAuthResult = { ok: true; mailbox: LabMailbox; connected: boolean } | { ok: false; text: string };

/**
 * XOAUTH2 on the Exchange host. Two kinds of bearer token work, as in reality:
 * - an app-only token the lab's token endpoint issued for Exchange Online (the bot), which also
 *   needs `IMAP.AccessAsApp`, a service principal in Exchange and FullAccess on the mailbox;
 * - a delegated grant for that very user (the ERP's `server_type outlook`).
 */
export function authorizeXoauth2(state: LabState, user: string, token: string, now = Date.now()): ImapAuthResult {
  const failed = { ok: false, text: EXO_IMAP_TEXT.authenticateFailed } as const;
  const address = user.toLowerCase();
  const grant = state.mail.imapGrants.find((g) => g.token === token);
  let connected = true;
  if (grant) {
    if (grant.expiresAt <= now || grant.user.toLowerCase() !== address) return failed;
  } else {
    if (!isExchangeAppToken(state, token)) return failed;
    const app = state.mail.imapApp;
    if (!app.accessAsApp || !app.servicePrincipal) return failed;
    // Exchange takes the token of a known service principal and only refuses at SELECT.
    connected = app.fullAccess.includes(address);
  }
  const opened = openExchangeMailbox(state, address);
  return opened.ok ? { ...opened, connected } : opened;
}

/** An unexpired token the lab's token endpoint issued to the tenant's app for Exchange Online. */
function isExchangeAppToken(state: LabState, token: string): boolean {
  const check = validateLabToken(state, token, 'exchange');
  return check.ok && check.clientId === state.microsoft.app.clientId;
}

function openExchangeMailbox(state: LabState, address: string): { ok: true; mailbox: LabMailbox } | { ok: false; text: string } {
  const exchangeMailbox = findExchangeMailbox(state.microsoft.exchange, address);
  if (!exchangeMailbox) return { ok: false, text: EXO_IMAP_TEXT.authenticateFailed };
  if (!exchangeMailbox.ImapEnabled) return { ok: false, text: EXO_IMAP_TEXT.notConnected };
  return { ok: true, mailbox: ensureMailbox(state.mail, address, 'exchange') };
}

/** Password login on the outside host (the probe's provider). */
export function authorizePassword(state: LabState, host: MailboxHost, user: string, password: string): LabMailbox | undefined {
  const box = findMailbox(state.mail, user);
  if (!box || box.host !== host || box.password === undefined || box.password !== password) return undefined;
  return box;
}

/**
 * The ERP's delegated IMAP token for `user` (what "Connect your Outlook account" gives it in
 * reality), minted on first use and reused until it expires.
 */
export function grantImapToken(state: LabState, user: string, now = Date.now(), lifetimeMs = 3_600_000): LabImapGrant {
  const existing = state.mail.imapGrants.find((g) => g.user.toLowerCase() === user.toLowerCase() && g.expiresAt > now + 60_000);
  if (existing) return existing;
  const grant = { token: `lab-imap-${randomBytes(16).toString('hex')}`, user, expiresAt: now + lifetimeMs };
  state.mail.imapGrants.push(grant);
  recordIssuedToken(grant.token);
  return grant;
}
