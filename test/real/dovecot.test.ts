import { ImapFlow } from 'imapflow';
import { describe, expect, it } from 'vitest';
import { causeOfText } from '../../src/mail/causes.js';
import { readDovecotEnv } from './dovecot-env.js';

const env = readDovecotEnv();

function client(password: string) {
  return new ImapFlow({
    host: env!.host,
    port: env!.port,
    secure: true,
    auth: { user: env!.user, pass: password },
    tls: { ca: env!.ca },
    logger: false,
  });
}

const title = env
  ? `a real IMAP server (Dovecot ${env.version} on ${env.host}:${env.port}, started by .ci/dovecot.sh)`
  : 'a real IMAP server — SKIPPED: test/real/.dovecot.env is absent; run .ci/dovecot.sh (as root) to install and start Dovecot';

describe.skipIf(!env)(title, () => {
  it('logs in over TLS with a password and reads the inbox: unseen count, oldest unseen age, a test mail by token', async () => {
    const imap = client(env!.password);
    await imap.connect();
    try {
      const lock = await imap.getMailboxLock('INBOX');
      try {
        const unseen = (await imap.search({ seen: false }, { uid: true })) || [];
        expect(unseen).toHaveLength(2);
        const dates: Date[] = [];
        for await (const m of imap.fetch(unseen, { internalDate: true }, { uid: true })) dates.push(new Date(m.internalDate!));
        const oldestHours = (Date.now() - Math.min(...dates.map((d) => d.getTime()))) / 3_600_000;
        expect(oldestHours).toBeGreaterThan(47);
        const found = (await imap.search({ header: { 'x-mailsetup-test': 'dovecot-token-1' } }, { uid: true })) || [];
        expect(found).toHaveLength(1);
        const [message] = await imap.fetchAll(found, { envelope: true }, { uid: true });
        expect(message?.envelope?.subject).toBe('[mailsetup-test dovecot-token-1]');
        expect(message?.envelope?.messageId).toBe('<dovecot-token-1@mailsetup.invalid>');
      } finally {
        lock.release();
      }
    } finally {
      await imap.logout();
    }
  });

  it("refuses a wrong password with the server's own text, which the cause table maps to the login step", async () => {
    const imap = client('not-the-password');
    const error = (await imap.connect().then(
      () => undefined,
      (e: unknown) => e,
    )) as { authenticationFailed?: boolean; response?: string; serverResponseCode?: string } | undefined;
    imap.close();
    expect(error?.authenticationFailed).toBe(true);
    expect(error?.response).toMatch(/NO \[AUTHENTICATIONFAILED\] Authentication failed\./);
    expect(causeOfText(error!.response!, { protocol: 'imap' })).toMatchObject({
      code: 'AUTHENTICATIONFAILED',
      checkId: 'erp-incoming-server',
    });
    expect(causeOfText(error!.response!, { protocol: 'imap', seenBy: 'bot' })?.checkId).toBe('mailflow-imap-login');
  });
});
