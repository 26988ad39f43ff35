import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { createTransport } from 'nodemailer';
import { MailsetupError } from '../../errors.js';
import { causeOfText, mapCause } from '../../mail/causes.js';
import type { DnsPort } from '../dns/port.js';
import type { AdapterFactoryOptions } from '../options.js';
import { converse } from './conversation.js';
import type { SmtpFailure, SmtpPort, SmtpProbeResult, SmtpReply, SmtpSendResult, SmtpStageName, SmtpTarget } from './port.js';
import { enhancedCode } from './replies.js';
import { commandStage, Transcript } from './transcript.js';
import { failureOf } from './wire-errors.js';

export interface SmtpAdapterOptions {
  domain: string;
  /** `services.mx`: host (else the MX record) and port. */
  mx: { host?: string; port: number };
  sourceAddress?: string;
  ca?: string;
  connectTimeoutMs: number;
  commandTimeoutMs: number;
  /** The EHLO name; the host name by default. */
  name?: string;
  dns: DnsPort;
}

/** The live SMTP adapter of one tenant; `dns` (the tenant's DNS adapter) finds the MX when services.mx.host is unset. */
export function createSmtpAdapter(options: AdapterFactoryOptions, dns: DnsPort): SmtpPort {
  const timeout = options.timeouts.fetchMs;
  return createSmtp({
    domain: options.tenant.domain,
    mx: options.services.mx,
    sourceAddress: options.services.sourceAddress,
    ca: options.ca,
    connectTimeoutMs: timeout,
    commandTimeoutMs: timeout,
    dns,
  });
}

export function createSmtp(options: SmtpAdapterOptions): SmtpPort {
  const name = options.name ?? hostname();

  async function target(): Promise<SmtpTarget> {
    if (options.mx.host) return { host: options.mx.host, port: options.mx.port, from: 'config' };
    const answer = await options.dns.mx(options.domain);
    const first = answer.found ? answer.records[0] : undefined;
    if (!first) {
      throw new MailsetupError('NotFound', `${options.domain} has no MX record, so the bot does not know where to send test mail.`, {
        hint: 'Fix the MX record (see `check dns-mx`) or set services.mx.host in the config.',
        source: 'smtp',
      });
    }
    return { host: first.exchange, port: options.mx.port, from: 'mx-record' };
  }

  return {
    target,

    async probe(request) {
      const started = performance.now();
      const to = request.target ? { ...request.target, from: 'config' as const } : await target();
      const result = await converse(
        {
          host: to.host,
          port: to.port,
          localAddress: options.sourceAddress,
          ca: options.ca,
          name,
          connectTimeoutMs: options.connectTimeoutMs,
          commandTimeoutMs: options.commandTimeoutMs,
        },
        request,
      );
      const probe: SmtpProbeResult = { target: to, durationMs: Math.round(performance.now() - started), ...result };
      const cause = causeFor(probe.rejection?.reply, probe.failure, to.port);
      return cause ? { ...probe, cause } : probe;
    },

    async send(mail) {
      const started = performance.now();
      const to = await target();
      const transcript = new Transcript();
      const transport = createTransport({
        host: to.host,
        port: to.port,
        secure: false,
        requireTLS: true,
        name,
        ...(options.sourceAddress ? { localAddress: options.sourceAddress } : {}),
        tls: { ...(options.ca ? { ca: options.ca } : {}), ...(isIP(to.host) ? {} : { servername: to.host }) },
        connectionTimeout: options.connectTimeoutMs,
        greetingTimeout: options.connectTimeoutMs,
        socketTimeout: options.commandTimeoutMs,
        logger: transcript.logger,
        transactionLog: true,
      });
      const base = { target: to, messageId: mail.messageId };
      try {
        const info = await transport.sendMail({
          from: mail.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          messageId: mail.messageId,
          headers: mail.headers ?? {},
        });
        return {
          ...base,
          outcome: 'accepted',
          durationMs: Math.round(performance.now() - started),
          response: info.response,
          accepted: info.accepted.map(String),
          rejected: info.rejected.map(String),
        } satisfies SmtpSendResult;
      } catch (error) {
        const durationMs = Math.round(performance.now() - started);
        const seen = fromNodemailerError(error, `${to.host}:${to.port}`, transcript.stage());
        const cause = causeFor(seen.rejection?.reply, seen.failure, to.port);
        return {
          ...base,
          durationMs,
          accepted: [],
          rejected: mail.to,
          ...seen,
          ...(cause ? { cause } : {}),
        };
      } finally {
        transport.close();
      }
    },
  };
}

function causeFor(reply: SmtpReply | undefined, failure: SmtpFailure | undefined, port: number) {
  if (reply) return causeOfText(reply.text, { protocol: 'smtp', port, seenBy: 'bot' });
  if (failure) return mapCause({ text: failure.message, errorCode: failure.errorCode, port, protocol: 'smtp', seenBy: 'bot' });
  return undefined;
}

type NodemailerError = Error & {
  code?: string;
  originalCode?: string;
  command?: string;
  response?: string;
  responseCode?: number;
  cert?: unknown;
};

/** nodemailer's error: a server refusal (it has a 4xx/5xx reply) or a broken conversation. */
function fromNodemailerError(
  error: unknown,
  where: string,
  lastStage: SmtpStageName,
): { outcome: 'rejected' | 'failed'; rejection?: { stage: SmtpStageName; reply: SmtpReply }; failure?: SmtpFailure } {
  const e = (error ?? {}) as NodemailerError;
  // Timeouts and closes say `CONN` whatever the stage; the transcript knows better.
  const named = e.command && e.command !== 'CONN' ? commandStage(e.command) : undefined;
  const stage = named ?? (e.code === 'EMESSAGE' ? 'message' : lastStage);
  if (typeof e.responseCode === 'number' && e.responseCode >= 400 && typeof e.response === 'string') {
    const enhanced = enhancedCode(e.response);
    const reply: SmtpReply = { code: e.responseCode, text: e.response, ...(enhanced ? { enhanced } : {}) };
    return { outcome: 'rejected', rejection: { stage: stage === 'data' && e.code === 'EMESSAGE' ? 'message' : stage, reply } };
  }
  const code = e.originalCode ?? (e.code === 'ESOCKET' ? undefined : e.code);
  const normalized = code === 'ECONNECTION' ? 'ECLOSED' : code;
  const message = /Connection closed|socket hang up/i.test(e.message ?? '')
    ? 'the server closed the connection'
    : (e.message ?? String(error)).replace(/\.$/, '');
  return {
    outcome: 'failed',
    failure: failureOf(Object.assign(new Error(message), { code: normalized ?? e.code, cert: e.cert }), stage, where),
  };
}
