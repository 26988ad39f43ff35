import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { createSmtp } from '../../../src/adapters/smtp/live.js';
import { failureError } from '../../../src/adapters/smtp/wire-errors.js';
import { fakeDns } from '../dns/fake-dns.js';
import { certificateFor } from './foreign-cert.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

/** An SMTP server with STARTTLS whose certificate names only `names`; records the SNI each client sent. */
async function mxWithCertificateFor(names: string[]) {
  const cert = certificateFor(names);
  const sni: string[] = [];
  const server = new SMTPServer({
    key: cert.keyPem,
    cert: cert.certPem,
    authOptional: true,
    logger: false,
    SNICallback: (servername, callback) => {
      sni.push(servername);
      callback(null, undefined as never);
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  stops.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { port, sni, ca: cert.caPem };
}

const MISMATCH =
  /the certificate of 127\.0\.0\.1 is for mx\.lab\.test, not 127\.0\.0\.1: use the host name the certificate names in services\.mx\.host\.$/;

describe('SMTP: a certificate for another host', () => {
  it('the probe checks the certificate against the configured IP (not "localhost"), sends no SNI for it, and says so in one sentence', async () => {
    // The certificate names localhost too: a check against "localhost" would wrongly pass.
    const mx = await mxWithCertificateFor(['mx.lab.test', 'localhost']);
    const smtp = createSmtp({
      domain: 'contoso.test',
      mx: { host: '127.0.0.1', port: mx.port },
      ca: mx.ca,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
      dns: fakeDns({}),
    });
    const result = await smtp.probe({ from: 'probe@outside.test', to: ['sales@contoso.test'], stopAfterRcpt: true });
    expect(result.outcome).toBe('failed');
    expect(result.failure?.stage).toBe('starttls');
    expect(result.failure?.message).toBe(
      `SMTP to 127.0.0.1:${mx.port} (STARTTLS): the certificate of 127.0.0.1 is for mx.lab.test, localhost, not 127.0.0.1: use the host name the certificate names in services.mx.host.`,
    );
    expect(mx.sni).toEqual([]);
    const error = failureError(result.failure!);
    expect(error.userMessage).not.toMatch(/caFile|Hostname\/IP does not match/);
  });

  it('sending a test mail says the same, without the services.caFile hint', async () => {
    const mx = await mxWithCertificateFor(['mx.lab.test']);
    const smtp = createSmtp({
      domain: 'contoso.test',
      mx: { host: '127.0.0.1', port: mx.port },
      ca: mx.ca,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
      dns: fakeDns({}),
    });
    const sent = await smtp.send({
      from: 'probe@outside.test',
      to: ['sales@contoso.test'],
      subject: 's',
      text: 't',
      messageId: '<m@test>',
    });
    expect(sent.outcome).toBe('failed');
    expect(sent.failure?.message).toMatch(MISMATCH);
    expect(failureError(sent.failure!).userMessage).not.toMatch(/caFile/);
  });

  it('a host name is sent as SNI and checked as such', async () => {
    const mx = await mxWithCertificateFor(['mx.lab.test']);
    const smtp = createSmtp({
      domain: 'contoso.test',
      mx: { host: 'localhost', port: mx.port },
      ca: mx.ca,
      connectTimeoutMs: 2000,
      commandTimeoutMs: 2000,
      dns: fakeDns({}),
    });
    const result = await smtp.probe({ from: 'probe@outside.test', to: ['sales@contoso.test'], stopAfterRcpt: true });
    expect(mx.sni).toEqual(['localhost']);
    expect(result.failure?.message).toMatch(/the certificate of localhost is for mx\.lab\.test, not localhost: use the host name/);
  });
});
