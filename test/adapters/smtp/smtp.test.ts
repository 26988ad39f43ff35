import { afterEach, describe, expect, it } from 'vitest';
import { labTls } from '../../../lab/tls.js';
import { createSmtp, type SmtpAdapterOptions } from '../../../src/adapters/smtp/live.js';
import type { SmtpPort } from '../../../src/adapters/smtp/port.js';
import { fakeDns } from '../dns/fake-dns.js';
import { startScriptedServer, startTestMx } from './servers.js';

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(stops.splice(0).map((s) => s()));
});

const RELAY_DENIED = '550 5.7.64 TenantAttribution; Relay Access Denied [BN8NAM12FT021.eop-nam12.prod.protection.outlook.com]';

function smtp(port: number, overrides: Partial<SmtpAdapterOptions> = {}): SmtpPort {
  return createSmtp({
    domain: 'contoso.test',
    mx: { host: '127.0.0.1', port },
    sourceAddress: '127.0.0.3',
    ca: labTls().caPem,
    connectTimeoutMs: 400,
    commandTimeoutMs: 400,
    name: 'mailsetup-bot.test',
    dns: fakeDns({}),
    ...overrides,
  });
}

const mail = {
  from: 'probe@outside.test',
  to: ['sales@contoso.test'],
  subject: '[mailsetup-test t0k3n]',
  text: 'A test.\n.leading dot line\n',
  messageId: '<t0k3n@mailsetup.invalid>',
  headers: { 'X-Mailsetup-Test': 't0k3n' },
};

describe('SMTP probe (stage by stage)', () => {
  it('reports connect, EHLO, STARTTLS, EHLO, MAIL, RCPT and DATA with replies and durations, from the source address', async () => {
    const mx = await startTestMx();
    stops.push(mx.stop);
    const result = await smtp(mx.port).probe({ from: mail.from, to: mail.to });
    expect(result.outcome).toBe('accepted');
    expect(result.stages.map((s) => `${s.stage}${s.tls ? '+tls' : ''} ${s.reply?.code}`)).toEqual([
      'connect 220',
      'ehlo 250',
      'starttls+tls 220',
      'ehlo+tls 250',
      'mail+tls 250',
      'rcpt+tls 250',
      'data+tls 354',
    ]);
    for (const s of result.stages) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    expect(result.stages[5]?.command).toBe('RCPT TO:<sales@contoso.test>');
    expect(mx.peers).toEqual(['127.0.0.3']);
    expect(mx.messages).toHaveLength(0); // stopped at 354, like the ERP's Test Connection
    expect(result.target).toEqual({ host: '127.0.0.1', port: mx.port, from: 'config' });
  });

  it('delivers a message when given one, dot-stuffed', async () => {
    const mx = await startTestMx();
    stops.push(mx.stop);
    const raw = 'From: probe@outside.test\r\nTo: sales@contoso.test\r\nSubject: x\r\n\r\nline\r\n.dot\r\n';
    const result = await smtp(mx.port).probe({ from: mail.from, to: mail.to, message: raw });
    expect(result.outcome).toBe('accepted');
    expect(result.stages.at(-1)).toMatchObject({ stage: 'message', ok: true, reply: { code: 250, enhanced: '2.6.0' } });
    expect(mx.messages[0]?.raw).toContain('\r\n.dot\r\n');
  });

  it('reports a refused recipient as rejected, with the reply and the mapped cause', async () => {
    const mx = await startTestMx(() => RELAY_DENIED);
    stops.push(mx.stop);
    const result = await smtp(mx.port).probe({ from: 'erp@contoso.test', to: ['someone@fabrikam.test'] });
    expect(result.outcome).toBe('rejected');
    expect(result.rejection).toEqual({
      stage: 'rcpt',
      reply: { code: 550, enhanced: '5.7.64', text: RELAY_DENIED },
    });
    expect(result.cause).toMatchObject({ code: '5.7.64', checkId: 'exchange-connector-ips' });
  });

  it('fails with AdapterTimeout when the server never greets', async () => {
    const silent = await startScriptedServer({});
    stops.push(silent.stop);
    const result = await smtp(silent.port).probe({ from: mail.from, to: mail.to });
    expect(result.outcome).toBe('failed');
    expect(result.failure).toMatchObject({ stage: 'connect', code: 'AdapterTimeout', errorCode: 'ETIMEDOUT' });
    expect(result.failure?.message).toBe(`SMTP to 127.0.0.1:${silent.port} (connecting): no reply to the connection within 0.4 s.`);
    // Not port 25, so not the "cloud providers block port 25" cause (test/mail/causes.test.ts covers that).
    expect(result.cause).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(silent.connections()).toBe(0); // nothing left open
  });

  it('fails with ConnectionLost when the server hangs up mid-conversation', async () => {
    const rude = await startScriptedServer({
      greeting: '220 mx.test ESMTP\r\n',
      onLine: (line, socket) => {
        if (line.startsWith('EHLO')) socket.write('250-mx.test\r\n250 STARTTLS\r\n');
        if (line === 'STARTTLS') socket.destroy();
      },
    });
    stops.push(rude.stop);
    const result = await smtp(rude.port).probe({ from: mail.from, to: mail.to });
    expect(result.failure).toMatchObject({ stage: 'starttls', code: 'ConnectionLost' });
    expect(result.stages.map((s) => s.stage)).toEqual(['connect', 'ehlo']);
  });

  it('fails with GarbledResponse when the server does not speak SMTP', async () => {
    const http = await startScriptedServer({ greeting: 'HTTP/1.1 400 Bad Request\r\n\r\n' });
    stops.push(http.stop);
    const result = await smtp(http.port).probe({ from: mail.from, to: mail.to });
    expect(result.failure).toMatchObject({ stage: 'connect', code: 'GarbledResponse' });
    expect(result.failure?.message).toContain('not SMTP: "HTTP/1.1 400 Bad Request"');
  });

  it('refuses a server that does not offer STARTTLS', async () => {
    const plain = await startScriptedServer({
      greeting: '220 mx.test ESMTP\r\n',
      onLine: (line, socket) => {
        if (line.startsWith('EHLO')) socket.write('250-mx.test\r\n250 8BITMIME\r\n');
      },
    });
    stops.push(plain.stop);
    const result = await smtp(plain.port).probe({ from: mail.from, to: mail.to });
    expect(result.failure).toMatchObject({ stage: 'starttls', errorCode: 'ENOSTARTTLS' });
  });

  it('fails the TLS handshake when the certificate is not trusted (no CA given)', async () => {
    const mx = await startTestMx();
    stops.push(mx.stop);
    const result = await smtp(mx.port, { ca: undefined }).probe({ from: mail.from, to: mail.to });
    expect(result.failure).toMatchObject({ stage: 'starttls', code: 'AdapterUnavailable' });
    expect(result.failure?.message).toContain('the TLS handshake failed');
  });

  it('maps a refused port to AdapterUnavailable', async () => {
    const result = await smtp(1).probe({ from: mail.from, to: mail.to });
    expect(result.failure).toMatchObject({ stage: 'connect', code: 'AdapterUnavailable', errorCode: 'ECONNREFUSED' });
  });
});

describe('SMTP send (nodemailer)', () => {
  it('sends a marked test mail through STARTTLS from the source address', async () => {
    const mx = await startTestMx();
    stops.push(mx.stop);
    const result = await smtp(mx.port).send(mail);
    expect(result).toMatchObject({ outcome: 'accepted', accepted: ['sales@contoso.test'], messageId: '<t0k3n@mailsetup.invalid>' });
    expect(result.response).toContain('250 2.6.0');
    const raw = mx.messages[0]?.raw ?? '';
    expect(raw).toMatch(/^Message-ID: <t0k3n@mailsetup.invalid>$/m);
    expect(raw).toMatch(/^X-Mailsetup-Test: t0k3n$/m);
    expect(raw).toMatch(/^Subject: \[mailsetup-test t0k3n\]$/m);
    expect(mx.peers).toEqual(['127.0.0.3']);
  });

  it('returns a refusal as rejected with the stage, the reply and the cause', async () => {
    const mx = await startTestMx(
      () => '550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors',
    );
    stops.push(mx.stop);
    const result = await smtp(mx.port).send(mail);
    expect(result.outcome).toBe('rejected');
    expect(result.rejection?.stage).toBe('rcpt');
    expect(result.rejection?.reply).toMatchObject({ code: 550, enhanced: '5.4.1' });
    expect(result.cause).toMatchObject({ code: '5.4.1', checkId: 'exchange-accepted-domain' });
  });

  it('returns a timeout and a lost connection as failed, with the stage', async () => {
    const silent = await startScriptedServer({});
    stops.push(silent.stop);
    const timedOut = await smtp(silent.port).send(mail);
    expect(timedOut.failure).toMatchObject({ stage: 'connect', code: 'AdapterTimeout' });
    const rude = await startScriptedServer({
      greeting: '220 mx.test ESMTP\r\n',
      onLine: (line, socket) => {
        if (line.startsWith('EHLO')) socket.destroy();
      },
    });
    stops.push(rude.stop);
    const lost = await smtp(rude.port).send(mail);
    expect(lost.outcome).toBe('failed');
    expect(lost.failure?.code).toBe('ConnectionLost');
  });

  it("uses the domain's MX record when services.mx.host is not set", async () => {
    const noMx = smtp(25, { mx: { port: 25 }, dns: fakeDns({}) });
    await expect(noMx.target()).rejects.toThrow('contoso.test has no MX record');
    const withMx = smtp(25, {
      mx: { port: 25 },
      dns: fakeDns({ mx: { 'contoso.test': [{ exchange: 'contoso-test.mail.protection.outlook.com', priority: 0 }] } }),
    });
    expect(await withMx.target()).toEqual({ host: 'contoso-test.mail.protection.outlook.com', port: 25, from: 'mx-record' });
  });
});
