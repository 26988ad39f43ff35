import { randomBytes } from 'node:crypto';
import { ImapFlow } from 'imapflow';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { createImapAdapter } from '../../src/adapters/imap/live.js';
import type { ImapPort } from '../../src/adapters/imap/port.js';
import { parseConfig } from '../../src/config/load.js';
import { MailsetupError } from '../../src/errors.js';
import { causeOfText } from '../../src/mail/causes.js';
import { type DovecotEnv, readDovecotEnv } from './dovecot-env.js';

const env = readDovecotEnv();

/** The bot's live IMAP adapter, configured for a password login to the real server. */
function adapter(e: DovecotEnv, password: string): ImapPort {
  const config = parseConfig(
    {
      tenants: [
        {
          name: 'dovecot',
          domain: 'contoso.test',
          tenantId: 'dovecot-test',
          catchallMailbox: e.user,
          erpEgressIps: ['203.0.113.10'],
          erp: { url: 'http://127.0.0.1:1', database: 'x', login: 'x', password: 'unused-here', publicUrl: 'http://127.0.0.1:1' },
          imap: { auth: 'password', user: e.user, password },
        },
      ],
      services: { imap: { host: e.host, port: e.port } },
      timeouts: { fetchMs: 5000 },
    },
    { env: {} },
  );
  const tokens = { getToken: async () => Promise.reject(new Error('no OAuth against Dovecot')) };
  return createImapAdapter(
    { tenant: config.tenants[0]!, services: config.services, timeouts: config.timeouts, ca: e.ca, logger: pino({ level: 'silent' }) },
    tokens,
  );
}

/** Direct access to the server, to set up and to check what the adapter did. */
async function direct<T>(e: DovecotEnv, use: (imap: ImapFlow) => Promise<T>): Promise<T> {
  const imap = new ImapFlow({
    host: e.host,
    port: e.port,
    secure: true,
    auth: { user: e.user, pass: e.password },
    tls: { ca: e.ca },
    logger: false,
  });
  await imap.connect();
  try {
    return await use(imap);
  } finally {
    await imap.logout();
  }
}

const title = env
  ? `a real IMAP server (Dovecot ${env.version} on ${env.host}:${env.port}, started by .ci/dovecot.sh)`
  : 'a real IMAP server — SKIPPED: test/real/.dovecot.env is absent; run .ci/dovecot.sh (as root) to install and start Dovecot';

describe.skipIf(!env)(title, () => {
  const e = env!;

  it('the IMAP adapter logs in over TLS with a password', async () => {
    const login = await adapter(e, e.password).checkLogin('catchall');
    expect(login).toMatchObject({ host: e.host, port: e.port, user: e.user, method: 'password' });
    expect(login.capabilities).toContain('IMAP4rev1');
  });

  it('reads the inbox as the real server answers: unseen count and the oldest unseen message', async () => {
    const { backlog } = await adapter(e, e.password).inspectCatchall();
    expect(backlog.unseen).toBe(2);
    expect(backlog.total).toBeGreaterThanOrEqual(3);
    expect(backlog.oldestUnseen?.subject).toBe('Request for quote (stuck)');
    const ageHours = (Date.now() - Date.parse(backlog.oldestUnseen!.receivedAt)) / 3_600_000;
    expect(ageHours).toBeGreaterThan(47);
    expect(ageHours).toBeLessThan(49);
  });

  it('finds a test mail by its token (header or subject)', async () => {
    const found = await adapter(e, e.password).findMessage('catchall', 'dovecot-token-1');
    expect(found).toMatchObject({
      subject: '[mailsetup-test dovecot-token-1]',
      messageId: '<dovecot-token-1@mailsetup.invalid>',
      seen: false,
    });
  });

  it('deletes test mails by token (the test-email clean-up) and leaves the rest', async () => {
    const token = `real${randomBytes(4).toString('hex')}`;
    const before = await direct(e, async (imap) => {
      const status = await imap.status('INBOX', { messages: true });
      return status ? status.messages : undefined;
    });
    await direct(e, async (imap) => {
      const raw = [
        'From: probe@outside.test',
        'To: sales@contoso.test',
        `Subject: [mailsetup-test ${token}]`,
        `Message-ID: <mailsetup-test.${token}@outside.test>`,
        `X-Mailsetup-Test: ${token}`,
        '',
        'test',
        '',
      ].join('\r\n');
      await imap.append('INBOX', raw, ['\\Seen']);
    });
    const imap = adapter(e, e.password);
    expect(await imap.findMessage('catchall', token)).toMatchObject({ subject: `[mailsetup-test ${token}]`, seen: true });
    expect(await imap.deleteMessages('catchall', token)).toBe(1);
    const left = await direct(e, async (d) => {
      const lock = await d.getMailboxLock('INBOX');
      try {
        return {
          withToken: (await d.search({ header: { 'x-mailsetup-test': token } }, { uid: true })) || [],
          total: d.mailbox ? d.mailbox.exists : -1,
        };
      } finally {
        lock.release();
      }
    });
    expect(left.withToken).toEqual([]);
    expect(left.total).toBe(before);
  });

  it("refuses a wrong password with the server's own text, which the cause table maps to the login step", async () => {
    const error = await adapter(e, 'not-the-password')
      .checkLogin('catchall')
      .catch((x: unknown) => x);
    expect(error).toBeInstanceOf(MailsetupError);
    const refused = error as MailsetupError;
    expect(refused.code).toBe('AuthFailed');
    expect(refused.message).toBe(
      `The IMAP server ${e.host}:${e.port} refused the bot's IMAP login to ${e.user}: "[AUTHENTICATIONFAILED] Authentication failed.".`,
    );
    expect(JSON.stringify(refused.details)).not.toContain('not-the-password');
    expect(causeOfText(refused.message, { protocol: 'imap', seenBy: 'bot' })).toMatchObject({
      code: 'AUTHENTICATIONFAILED',
      checkId: 'mailflow-imap-login',
    });
    expect(causeOfText(refused.message, { protocol: 'imap' })?.checkId).toBe('erp-incoming-server');
  });

  it("refuses two wrong passwords in a row with the server's own text both times, however long it delays the answer", async () => {
    // Dovecot delays a failed login (auth_failure_delay, 2 s) and more for repeated failures from one address.
    const imap = adapter(e, 'still-not-the-password');
    for (const attempt of [1, 2]) {
      const error = await imap.checkLogin('catchall').catch((x: unknown) => x);
      expect(error).toBeInstanceOf(MailsetupError);
      const refused = error as MailsetupError;
      expect(`${attempt}: ${refused.code} ${refused.message}`).toBe(
        `${attempt}: AuthFailed The IMAP server ${e.host}:${e.port} refused the bot's IMAP login to ${e.user}: "[AUTHENTICATIONFAILED] Authentication failed.".`,
      );
    }
  }, 90_000);
});
