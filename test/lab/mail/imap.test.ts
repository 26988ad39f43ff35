import { connect as tlsConnect } from 'node:tls';
import { ImapFlow } from 'imapflow';
import { afterEach, describe, expect, it } from 'vitest';
import { OUTSIDE_IMAP_HOST } from '../../../lab/mail/index.js';
import { appendMessage } from '../../../lab/mail/store.js';
import type { LabState } from '../../../lab/state.js';
import { labTls } from '../../../lab/tls.js';
import { message, receivedChain, sendMail, startMailOnly } from './mail-lab.js';

let lab: Awaited<ReturnType<typeof startMailOnly>> | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const imapPort = (state: LabState, host = 'outlook.office365.com') => state.hosts[`${host}:993`]!.port;

function client(port: number, auth: { user: string; accessToken?: string; pass?: string; loginMethod?: string }) {
  const c = new ImapFlow({
    host: '127.0.0.1',
    port,
    secure: true,
    auth,
    logger: false,
    disableAutoIdle: true,
    tls: { ca: labTls().caPem },
    connectionTimeout: 2000,
    greetingTimeout: 2000,
    socketTimeout: 3000,
  });
  c.on('error', () => {});
  return c;
}

/** Logs in; on failure the server's answer without its tag (`NO AUTHENTICATE failed.`). */
async function loginOutcome(c: ImapFlow): Promise<string> {
  try {
    await c.connect();
    return 'OK';
  } catch (error) {
    const response = (error as { response?: string }).response ?? (error as Error).message;
    return response.replace(/^\S+ (?=NO |BAD )/, '');
  } finally {
    c.close();
  }
}

/** Sends each command after the greeting, one at a time; returns each tagged answer line. */
async function rawImap(port: number, commands: string[]): Promise<string[]> {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca: labTls().caPem });
  socket.setEncoding('utf8');
  let buffer = '';
  const lines: string[] = [];
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let end = buffer.indexOf('\r\n');
    while (end >= 0) {
      lines.push(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\r\n');
    }
    waiting?.();
  });
  const until = async (test: (line: string) => boolean) => {
    for (;;) {
      const found = lines.find(test);
      if (found) return found;
      await new Promise<void>((resolve) => {
        waiting = resolve;
      });
    }
  };
  try {
    await until((l) => l.startsWith('* OK'));
    const answers: string[] = [];
    for (const command of commands) {
      const tag = command.split(' ')[0]!;
      socket.write(`${command}\r\n`);
      answers.push(await until((l) => l.startsWith(`${tag} `)));
    }
    return answers;
  } finally {
    socket.destroy();
  }
}

function issueAppToken(state: LabState, overrides: Partial<LabState['microsoft']['tokens'][number]> = {}): string {
  const token = `tok-${state.microsoft.tokens.length + 1}-${Math.random().toString(36).slice(2)}`;
  state.microsoft.tokens.push({
    token,
    audience: 'exchange',
    clientId: state.microsoft.app.clientId,
    expiresAt: Date.now() + 3_600_000,
    ...overrides,
  });
  return token;
}

describe('lab IMAP: Exchange Online host', () => {
  it('refuses passwords with Exchange Online texts (Basic auth is off)', async () => {
    lab = await startMailOnly((s) => {
      s.mail.failedLoginDelayMs = 0;
    });
    const port = imapPort(lab.state);
    const user = 'erp@contoso.test';
    expect(await loginOutcome(client(port, { user, pass: 'the-right-password' }))).toBe('NO AUTHENTICATE failed.');
    expect(await loginOutcome(client(port, { user, pass: 'the-right-password', loginMethod: 'LOGIN' }))).toBe('NO LOGIN failed.');
  });

  it('takes an app-only Exchange token over XOAUTH2 and serves the catch-all inbox from the lab state', async () => {
    lab = await startMailOnly((s) => {
      appendMessage(s.mail.mailboxes['erp@contoso.test']!, 'Subject: waiting\r\n\r\nx\r\n', { at: Date.now() - 3_600_000 });
      appendMessage(s.mail.mailboxes['erp@contoso.test']!, 'Subject: read\r\n\r\nx\r\n', { flags: ['\\Seen'] });
    });
    const c = client(imapPort(lab.state), { user: 'erp@contoso.test', accessToken: issueAppToken(lab.state) });
    try {
      await c.connect();
      expect(c.capabilities.has('AUTH=XOAUTH2')).toBe(false); // only advertised before login
      const status = await c.status('INBOX', { messages: true, unseen: true });
      expect(status).toMatchObject({ messages: 2, unseen: 1 });
      await c.mailboxOpen('INBOX');
      const unseen = (await c.search({ seen: false }, { uid: true })) || [];
      const fetched = (await c.fetchOne(String(unseen[0]), { internalDate: true, envelope: true }, { uid: true })) || undefined;
      expect(fetched?.envelope?.subject).toBe('waiting');
      const internalDate = fetched?.internalDate ? new Date(fetched.internalDate).getTime() : 0;
      expect(Math.abs(Date.now() - 3_600_000 - internalDate)).toBeLessThan(2000);
      await c.messageFlagsAdd(unseen, ['\\Seen'], { uid: true });
      expect(lab.state.mail.mailboxes['erp@contoso.test']!.messages.every((m) => m.flags.includes('\\Seen'))).toBe(true);
      await c.logout();
    } finally {
      c.close();
    }
  });

  it('answers AUTHENTICATE failed for a token it did not issue, an expired one, or an app without IMAP.AccessAsApp / a service principal', async () => {
    lab = await startMailOnly((s) => {
      s.mail.failedLoginDelayMs = 0;
    });
    const { state } = lab;
    const port = imapPort(state);
    const user = 'erp@contoso.test';
    expect(await loginOutcome(client(port, { user, accessToken: 'not-a-lab-token' }))).toBe('NO AUTHENTICATE failed.');
    expect(await loginOutcome(client(port, { user, accessToken: issueAppToken(state, { expiresAt: Date.now() - 1000 }) }))).toBe(
      'NO AUTHENTICATE failed.',
    );
    expect(await loginOutcome(client(port, { user, accessToken: issueAppToken(state, { audience: 'graph' }) }))).toBe(
      'NO AUTHENTICATE failed.',
    );
    state.mail.imapApp.accessAsApp = false;
    expect(await loginOutcome(client(port, { user, accessToken: issueAppToken(state) }))).toBe('NO AUTHENTICATE failed.');
    state.mail.imapApp.accessAsApp = true;
    state.mail.imapApp.servicePrincipal = false;
    expect(await loginOutcome(client(port, { user, accessToken: issueAppToken(state) }))).toBe('NO AUTHENTICATE failed.');
    state.mail.imapApp.servicePrincipal = true;
    state.microsoft.exchange.mailboxes.find((m) => m.PrimarySmtpAddress === user)!.ImapEnabled = false;
    expect(await loginOutcome(client(port, { user, accessToken: issueAppToken(state) }))).toBe(
      'NO User is authenticated but not connected.',
    );
  });

  it('without FullAccess, takes the token (AUTHENTICATE completed) and refuses SELECT INBOX with "User is authenticated but not connected."', async () => {
    lab = await startMailOnly((s) => {
      s.mail.imapApp.fullAccess = [];
    });
    const sasl = Buffer.from(`user=erp@contoso.test\x01auth=Bearer ${issueAppToken(lab.state)}\x01\x01`).toString('base64');
    const answers = await rawImap(imapPort(lab.state), [`a1 AUTHENTICATE XOAUTH2 ${sasl}`, 'a2 SELECT INBOX']);
    expect(answers).toEqual(['a1 OK AUTHENTICATE completed.', 'a2 BAD User is authenticated but not connected.']);
  });

  it('answers a refused login only after a delay, as real servers do (state.mail.failedLoginDelayMs)', async () => {
    lab = await startMailOnly((s) => {
      s.mail.failedLoginDelayMs = 600;
    });
    const started = performance.now();
    expect(await loginOutcome(client(imapPort(lab.state), { user: 'erp@contoso.test', accessToken: 'not-a-lab-token' }))).toBe(
      'NO AUTHENTICATE failed.',
    );
    expect(performance.now() - started).toBeGreaterThanOrEqual(550);
  });

  it('announces mail the MX delivers while a client has the inbox open', async () => {
    lab = await startMailOnly();
    const c = client(imapPort(lab.state), { user: 'erp@contoso.test', accessToken: issueAppToken(lab.state) });
    try {
      await c.connect();
      await c.mailboxOpen('INBOX');
      const exists = new Promise<number>((resolve) => c.once('exists', (e: { count: number }) => resolve(e.count)));
      await sendMail(lab.mxPort, '127.0.0.3', { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('live'));
      await c.noop();
      expect(await exists).toBe(1);
      await c.logout();
    } finally {
      c.close();
    }
  });
});

describe('lab IMAP: the outside host (probe mailbox)', () => {
  it('takes the probe password and shows what the MX relayed there', async () => {
    lab = await startMailOnly();
    const { state } = lab;
    await sendMail(lab.mxPort, '127.0.0.2', { from: 'erp@contoso.test', to: [state.mail.probe.address] }, message('outbound leg'));
    const port = imapPort(state, OUTSIDE_IMAP_HOST);
    expect(await loginOutcome(client(port, { user: state.mail.probe.address, pass: 'wrong' }))).toBe(
      'NO [AUTHENTICATIONFAILED] Authentication failed.',
    );
    const c = client(port, { user: state.mail.probe.address, pass: state.mail.probe.password });
    try {
      await c.connect();
      await c.mailboxOpen('INBOX');
      const found = (await c.fetchOne('*', { source: true })) || undefined;
      expect(receivedChain(found?.source?.toString() ?? '').at(-1)).toMatch(/^from sender\.test \(203\.0\.113\.10\) by /);
      await c.logout();
    } finally {
      c.close();
    }
  });
});
