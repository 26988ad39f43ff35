import { type AddressInfo, createServer } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import pino from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { appendMessage } from '../../../lab/mail/store.js';
import { labTls } from '../../../lab/tls.js';
import { createImapAdapter } from '../../../src/adapters/imap/live.js';
import type { TokenProvider } from '../../../src/adapters/microsoft/tokens.js';
import { parseConfig } from '../../../src/config/load.js';
import type { MailsetupConfig } from '../../../src/config/schema.js';
import { MailsetupError } from '../../../src/errors.js';
import { certificateFor } from '../smtp/foreign-cert.js';

let lab: Lab;
let config: MailsetupConfig;
beforeAll(async () => {
  lab = await startLab();
  lab.state.mail.failedLoginDelayMs = 0;
  config = parseConfig(lab.config, { env: {} });
});
afterAll(() => lab.stop());
afterEach(() => {
  lab.state.faults.length = 0;
});

/** A token the lab's token endpoint would have issued to the app (no HTTP round trip needed here). */
function labTokens(): TokenProvider {
  return {
    getToken: async () => {
      const token = `adapter-test-${Math.random().toString(36).slice(2)}`;
      lab.state.microsoft.tokens.push({
        token,
        audience: 'exchange',
        clientId: lab.state.microsoft.app.clientId,
        expiresAt: Date.now() + 3_600_000,
      });
      return token;
    },
  };
}

function adapter(
  overrides: { imap?: { host: string; port: number }; fetchMs?: number; tenant?: Partial<MailsetupConfig['tenants'][number]> } = {},
) {
  const tenant = { ...config.tenants[0]!, ...overrides.tenant };
  const services = { ...config.services, ...(overrides.imap ? { imap: overrides.imap } : {}) };
  const timeouts = { ...config.timeouts, fetchMs: overrides.fetchMs ?? 1000 };
  return createImapAdapter({ tenant, services, timeouts, ca: labTls().caPem, logger: pino({ level: 'silent' }) }, labTokens());
}

async function failure(promise: Promise<unknown>): Promise<MailsetupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailsetupError);
  return error as MailsetupError;
}

const catchall = () => lab.state.mail.mailboxes['erp@contoso.test']!;

describe('IMAP adapter against the lab (app-only OAuth to the Exchange host)', () => {
  it('reads the catch-all backlog read-only: unseen count and the oldest unseen message', async () => {
    const box = catchall();
    box.messages = [];
    appendMessage(box, 'From: <a@customer.test>\r\nSubject: newer\r\n\r\nx\r\n', { at: Date.now() - 5 * 60_000 });
    appendMessage(box, 'From: <b@customer.test>\r\nSubject: older\r\n\r\nx\r\n', { at: Date.now() - 50 * 60_000 });
    appendMessage(box, 'Subject: read\r\n\r\nx\r\n', { at: Date.now() - 90 * 60_000, flags: ['\\Seen'] });
    const { login, backlog } = await adapter().inspectCatchall();
    expect(login).toMatchObject({ user: 'erp@contoso.test', method: 'xoauth2' });
    expect(backlog).toMatchObject({
      mailbox: 'erp@contoso.test',
      total: 3,
      unseen: 2,
      oldestUnseen: { subject: 'older', from: 'b@customer.test' },
    });
    expect(Math.abs(Date.parse(backlog.oldestUnseen!.receivedAt) - (Date.now() - 50 * 60_000))).toBeLessThan(5000);
    expect(box.messages.map((m) => m.flags)).toEqual([[], [], ['\\Seen']]);
  });

  it('finds a test mail by its X-Mailsetup-Test header or subject, with its Received headers; deletes it by token', async () => {
    const box = catchall();
    box.messages = [];
    appendMessage(
      box,
      'Received: from b (203.0.113.10) by mx\r\nReceived: from a (10.0.0.1) by b\r\nX-Mailsetup-Test: tok-123\r\nSubject: e2e\r\nMessage-ID: <m1@test>\r\n\r\nx\r\n',
    );
    appendMessage(box, 'Subject: [mailsetup tok-456] wrong address\r\n\r\nx\r\n');
    appendMessage(box, 'Subject: unrelated\r\n\r\nx\r\n');
    const imap = adapter();
    const byHeader = await imap.findMessage('catchall', 'tok-123');
    expect(byHeader).toMatchObject({
      subject: 'e2e',
      messageId: '<m1@test>',
      seen: false,
      received: ['from b (203.0.113.10) by mx', 'from a (10.0.0.1) by b'],
    });
    expect((await imap.findMessage('catchall', 'tok-456'))?.subject).toBe('[mailsetup tok-456] wrong address');
    expect(await imap.findMessage('catchall', 'tok-none')).toBeUndefined();
    expect(await imap.deleteMessages('catchall', 'tok-123')).toBe(1);
    expect(box.messages.map((m) => /Subject: (.*)\r\n/.exec(m.raw)?.[1])).toEqual(['[mailsetup tok-456] wrong address', 'unrelated']);
  });

  it('reads the probe mailbox with its password', async () => {
    const probe = lab.state.mail.mailboxes[lab.state.mail.probe.address]!;
    appendMessage(probe, 'X-Mailsetup-Test: probe-1\r\nSubject: Receiving error with: hi\r\n\r\nx\r\n');
    const found = await adapter().findMessage('probe', 'probe-1');
    expect(found).toMatchObject({ mailbox: lab.state.mail.probe.address, subject: 'Receiving error with: hi' });
    expect(await adapter().checkLogin('probe')).toMatchObject({ method: 'password', user: lab.state.mail.probe.address });
  });
});

describe('IMAP adapter: failures become coded errors that name the hop', () => {
  it('a refused OAuth login is AuthFailed with the Exchange Online explanation, and no token in the text', async () => {
    lab.state.mail.imapApp.servicePrincipal = false;
    try {
      const error = await failure(adapter().checkLogin('catchall'));
      expect(error.code).toBe('AuthFailed');
      expect(error.message).toBe('Exchange Online refused the bot\'s IMAP login to erp@contoso.test: "AUTHENTICATE failed.".');
      expect(error.hint).toMatch(/IMAP\.AccessAsApp/);
      expect(error.hint).toMatch(/New-ServicePrincipal -AppId a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e1f/);
      expect(error.hint).toMatch(/Add-MailboxPermission -Identity erp@contoso\.test .*-AccessRights FullAccess/);
      expect(JSON.stringify({ m: error.userMessage, d: error.details })).not.toMatch(/adapter-test-/);
    } finally {
      lab.state.mail.imapApp.servicePrincipal = true;
    }
  });

  it('a token Exchange takes but a mailbox it will not open ("not connected", no FullAccess) names both causes', async () => {
    lab.state.mail.imapApp.fullAccess = [];
    try {
      const error = await failure(adapter().inspectCatchall());
      expect(error.code).toBe('AuthFailed');
      expect(error.message).toBe(
        'Exchange Online accepted the bot\'s login to erp@contoso.test but refused to open its INBOX: "User is authenticated but not connected.".',
      );
      expect(error.details).toMatchObject({ refusedAt: 'mailbox', serverResponse: 'User is authenticated but not connected.' });
      expect(error.hint).toMatch(/Add-MailboxPermission -Identity erp@contoso\.test -User <service principal> -AccessRights FullAccess/);
      expect(error.hint).toMatch(/Set-CASMailbox -Identity erp@contoso\.test -ImapEnabled \$true/);
    } finally {
      lab.state.mail.imapApp.fullAccess = ['erp@contoso.test'];
    }
  });

  it('two refused logins in a row, each answered late as real servers do, are both AuthFailed (not a timeout)', async () => {
    // Longer than the connect/greeting timeout (0.8 × fetchMs): only the login answer may take this long.
    lab.state.mail.failedLoginDelayMs = 1500;
    lab.state.mail.imapApp.servicePrincipal = false;
    try {
      const imap = adapter({ fetchMs: 1000 });
      for (const attempt of [1, 2]) {
        const error = await failure(imap.checkLogin('catchall'));
        expect(`${attempt}: ${error.code} ${error.message}`).toBe(
          `${attempt}: AuthFailed Exchange Online refused the bot's IMAP login to erp@contoso.test: "AUTHENTICATE failed.".`,
        );
      }
    } finally {
      lab.state.mail.failedLoginDelayMs = 0;
      lab.state.mail.imapApp.servicePrincipal = true;
    }
  });

  it('a certificate for another host says so in one sentence, naming the host setting', async () => {
    const foreign = certificateFor(['mx.lab.test']);
    const server = createTlsServer({ key: foreign.keyPem, cert: foreign.certPem }, (socket) => socket.end('* OK ready\r\n'));
    server.on('tlsClientError', () => {});
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    const port = (server.address() as AddressInfo).port;
    try {
      const imap = createImapAdapter(
        {
          tenant: config.tenants[0]!,
          services: { ...config.services, imap: { host: '127.0.0.1', port } },
          timeouts: { ...config.timeouts, fetchMs: 1000 },
          ca: foreign.caPem,
          logger: pino({ level: 'silent' }),
        },
        labTokens(),
      );
      const error = await failure(imap.checkLogin('catchall'));
      expect(error.userMessage).toBe(
        'The certificate of 127.0.0.1 is for mx.lab.test, not 127.0.0.1: use the host name the certificate names in services.imap.host.',
      );
    } finally {
      server.close();
    }
  });

  it('a password against Exchange Online is refused, and the error says Basic auth is off', async () => {
    const password = parseConfig(
      {
        ...lab.config,
        tenants: [{ ...lab.config.tenants[0], imap: { auth: 'password', user: 'erp@contoso.test', password: 'Winter2024!x' } }],
      },
      { env: {} },
    ).tenants[0]!.imap;
    const error = await failure(adapter({ tenant: { imap: password } }).checkLogin('catchall'));
    expect(error.code).toBe('AuthFailed');
    expect(error.details).toMatchObject({ serverResponse: 'AUTHENTICATE failed.' });
    expect(error.hint).toMatch(/turned off password \(Basic\) authentication for IMAP in 2022/);
    expect(error.userMessage).not.toContain('Winter2024!x');
  });

  it('a server that closes the connection is ConnectionLost, naming the stage', async () => {
    lab.inject({ service: 'imap', match: 'EXAMINE', kind: 'close', times: 1 });
    const error = await failure(adapter().inspectCatchall());
    expect(error.code).toBe('ConnectionLost');
    expect(error.message).toMatch(/^The IMAP server 127\.0\.0\.1:\d+ closed the connection while the bot was opening INBOX\.$/);
  });

  it('a server that never greets is AdapterTimeout within the configured bound', async () => {
    lab.inject({ service: 'imap', match: 'connect', kind: 'timeout', times: 1 });
    const error = await failure(adapter({ fetchMs: 500 }).checkLogin('catchall'));
    expect(error.code).toBe('AdapterTimeout');
    expect(error.message).toMatch(/sent no greeting in time \(while connecting\)/);
  });

  it('garbage instead of IMAP is GarbledResponse; a closed port is AdapterUnavailable', async () => {
    lab.inject({ service: 'imap', match: 'SEARCH', kind: 'malformed', times: 1 });
    expect((await failure(adapter().inspectCatchall())).code).toBe('GarbledResponse');

    const port = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const address = server.address();
        server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
      });
    });
    const refused = await failure(adapter({ imap: { host: '127.0.0.1', port } }).checkLogin('catchall'));
    expect(refused.code).toBe('AdapterUnavailable');
    expect(refused.message).toBe(`The IMAP server 127.0.0.1:${port} refused the connection.`);
  });

  it('stops when the run aborts', async () => {
    lab.inject({ service: 'imap', match: 'connect', kind: 'timeout', times: 1 });
    const abort = new AbortController();
    const pending = adapter({ fetchMs: 10_000 }).checkLogin('catchall', abort.signal);
    setTimeout(() => abort.abort(), 100);
    const error = await failure(pending);
    expect(['ConnectionLost', 'AdapterTimeout', 'AdapterUnavailable']).toContain(error.code);
  });
});
