import { describe, expect, it } from 'vitest';
import type { DnsPort } from '../../src/adapters/dns/port.js';
import { createSmtp } from '../../src/adapters/smtp/live.js';
import { readDovecotEnv } from './dovecot-env.js';

const env = readDovecotEnv();
const port = env?.submissionPort;

/** The bot's SMTP probe against a real SMTP server: Dovecot's submission service (STARTTLS, AUTH required). */
describe.skipIf(!env || !port)(
  port
    ? `a real SMTP server (Dovecot ${env?.version} submission on 127.0.0.1:${port})`
    : 'a real SMTP server — SKIPPED: run .ci/dovecot.sh',
  () => {
    const smtp = () =>
      createSmtp({
        domain: 'contoso.test',
        mx: { host: '127.0.0.1', port: port! },
        ca: env!.ca,
        connectTimeoutMs: 5000,
        commandTimeoutMs: 5000,
        name: 'mailsetup-probe.test',
        dns: {} as DnsPort, // the target is given; no MX lookup
      });

    it('reports each stage with the real server replies: greeting, EHLO, STARTTLS, EHLO again over TLS, then its refusal of MAIL', async () => {
      const result = await smtp().probe({ from: 'probe@outside.test', to: ['erp@contoso.test'], stopAfterRcpt: true });
      const stages = result.stages.map((s) => `${s.stage}:${s.ok ? 'ok' : 'refused'}:${s.reply?.code ?? '-'}:${s.tls ? 'tls' : 'plain'}`);
      expect(stages).toEqual([
        'connect:ok:220:plain',
        'ehlo:ok:250:plain',
        'starttls:ok:220:tls',
        'ehlo:ok:250:tls',
        'mail:refused:530:tls',
      ]);
      // Dovecot's own words: submission needs AUTH first.
      expect(result.outcome).toBe('rejected');
      expect(result.rejection?.stage).toBe('mail');
      expect(result.rejection?.reply.text).toMatch(/^530 5\.7\.0 .*[Aa]uthenticat/);
      for (const s of result.stages) expect(s.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('refuses a server certificate it was not told to trust, naming the STARTTLS stage', async () => {
      const untrusting = createSmtp({
        domain: 'contoso.test',
        mx: { host: '127.0.0.1', port: port! },
        connectTimeoutMs: 5000,
        commandTimeoutMs: 5000,
        dns: {} as DnsPort,
      });
      const result = await untrusting.probe({ from: 'probe@outside.test', to: ['erp@contoso.test'], stopAfterRcpt: true });
      expect(result.outcome).toBe('failed');
      expect(result.failure?.stage).toBe('starttls');
      expect(result.failure?.message).toMatch(/127\.0\.0\.1/);
    });
  },
);
