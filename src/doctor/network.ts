import { connect as connectTcp } from 'node:net';
import { connect as connectTls, rootCertificates } from 'node:tls';

/** How reaching a host went: ok (with what was seen), or a short reason and what to do. */
export type Reach = { ok: true; detail: string } | { ok: false; reason: string; fix: string };

export interface Endpoint {
  host: string;
  port: number;
}

/** Opens a TLS connection (system CAs plus `ca`) and verifies the certificate for `host`. */
export function probeTls(endpoint: Endpoint, options: { ca?: string; timeoutMs: number }): Promise<Reach> {
  return new Promise((resolve) => {
    const socket = connectTls({
      host: endpoint.host,
      port: endpoint.port,
      servername: isIp(endpoint.host) ? undefined : endpoint.host,
      ca: options.ca ? [...rootCertificates, options.ca] : undefined,
      timeout: options.timeoutMs,
    });
    const done = (reach: Reach) => {
      socket.destroy();
      resolve(reach);
    };
    socket.once('secureConnect', () => {
      const cert = socket.getPeerCertificate();
      const until = cert?.valid_to ? `, valid until ${new Date(cert.valid_to).toISOString().slice(0, 10)}` : '';
      done({
        ok: true,
        detail: `TLS ${socket.getProtocol() ?? ''} to ${where(endpoint)}, certificate trusted${until}`.replace('TLS  ', 'TLS '),
      });
    });
    socket.once('timeout', () => done(timedOut(endpoint, options.timeoutMs)));
    socket.once('error', (error: NodeJS.ErrnoException) => done(networkFailure(endpoint, error)));
  });
}

/** Opens a TCP connection; with `expectBanner` (SMTP: `220`) reads the first line too. */
export function probeTcp(endpoint: Endpoint, options: { timeoutMs: number; expectBanner?: RegExp }): Promise<Reach> {
  return new Promise((resolve) => {
    const socket = connectTcp({ host: endpoint.host, port: endpoint.port, timeout: options.timeoutMs });
    const done = (reach: Reach) => {
      socket.destroy();
      resolve(reach);
    };
    socket.once('connect', () => {
      if (!options.expectBanner) done({ ok: true, detail: `${where(endpoint)} accepts connections` });
    });
    socket.once('data', (data) => {
      const banner = String(data).split('\r\n')[0] ?? '';
      if (options.expectBanner?.test(banner)) done({ ok: true, detail: `${where(endpoint)} answers "${banner.slice(0, 60)}"` });
      else
        done({
          ok: false,
          reason: `${where(endpoint)} answered "${banner.slice(0, 60)}", not a mail server's greeting`,
          fix: 'Check the host and port in the config: something else listens there.',
        });
    });
    socket.once('timeout', () => done(timedOut(endpoint, options.timeoutMs)));
    socket.once('error', (error: NodeJS.ErrnoException) => done(networkFailure(endpoint, error)));
  });
}

function networkFailure(endpoint: Endpoint, error: NodeJS.ErrnoException): Reach & { ok: false } {
  const code = error.code ?? '';
  switch (code) {
    case 'ECONNREFUSED':
      return {
        ok: false,
        reason: `nothing listens on ${where(endpoint)} (connection refused)`,
        fix: 'Check the host and port in the config.',
      };
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return {
        ok: false,
        reason: `${endpoint.host} does not resolve (${code})`,
        fix: 'Check the host name, and that the bot can resolve public names.',
      };
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return {
        ok: false,
        reason: `${where(endpoint)} is unreachable (${code})`,
        fix: 'Allow outbound traffic from the bot to it (firewall, proxy).',
      };
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
      return {
        ok: false,
        reason: `the certificate of ${where(endpoint)} is not signed by a CA the bot trusts (${code})`,
        fix: 'If a TLS-inspecting proxy or a private CA sits in between, put its CA certificate (PEM) in services.caFile.',
      };
    case 'CERT_HAS_EXPIRED':
      return { ok: false, reason: `the certificate of ${where(endpoint)} has expired`, fix: 'Renew the certificate on that server.' };
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return {
        ok: false,
        reason: `the certificate of ${where(endpoint)} is for another name`,
        fix: 'Use the host name the certificate is issued for in the config.',
      };
    default:
      if (/wrong version number|packet length too long|unknown protocol/i.test(error.message)) {
        return {
          ok: false,
          reason: `${where(endpoint)} does not speak TLS`,
          fix: 'Check the port (a TLS port, e.g. 443 or 993) and the scheme (https).',
        };
      }
      return {
        ok: false,
        reason: `${where(endpoint)} failed (${code || error.message})`,
        fix: 'Check the address in the config and the network path.',
      };
  }
}

function timedOut(endpoint: Endpoint, timeoutMs: number): Reach {
  return {
    ok: false,
    reason: `no answer from ${where(endpoint)} within ${Math.round(timeoutMs / 100) / 10} s`,
    fix: 'A firewall may drop the traffic; allow outbound connections from the bot to it.',
  };
}

function where(endpoint: Endpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

function isIp(host: string): boolean {
  return /^[\d.]+$/.test(host) || host.includes(':');
}

/** `https://host:port/path` → host and port (443/80 by default). */
export function endpointOf(url: string): Endpoint {
  const parsed = new URL(url);
  const port = parsed.port ? Number(parsed.port) : parsed.protocol === 'https:' ? 443 : 80;
  return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port };
}
