import { isIP, connect as netConnect, type Socket } from 'node:net';
import { type TLSSocket, connect as tlsConnect } from 'node:tls';
import type { SmtpFailure, SmtpProbeRequest, SmtpReply, SmtpStageName, SmtpStageReport } from './port.js';
import { dotStuff, formatSeconds, ReplyReader, WireError } from './replies.js';
import { failureOf } from './wire-errors.js';

export interface ConversationOptions {
  host: string;
  port: number;
  localAddress?: string;
  /** Extra CA (PEM) to trust for STARTTLS. */
  ca?: string;
  /** The name sent with EHLO. */
  name: string;
  /** TCP connect plus the greeting, ms. */
  connectTimeoutMs: number;
  /** Each later reply, ms. */
  commandTimeoutMs: number;
}

export interface ConversationResult {
  stages: SmtpStageReport[];
  outcome: 'accepted' | 'rejected' | 'failed';
  rejection?: { stage: SmtpStageName; reply: SmtpReply };
  failure?: SmtpFailure;
}

/**
 * One SMTP conversation, stage by stage (RFC 5321 / 3207): connect and greeting, EHLO, STARTTLS
 * and EHLO again, MAIL, RCPT, then DATA (and the message, if given). Each stage is timed and keeps
 * the server's reply. The socket is always destroyed before this returns.
 */
export async function converse(options: ConversationOptions, request: SmtpProbeRequest): Promise<ConversationResult> {
  const stages: SmtpStageReport[] = [];
  const reader = new ReplyReader();
  let socket: Socket | TLSSocket | undefined;
  let tls = false;
  let current: SmtpStageName = 'connect';

  /** Sends `command` (or, when given, runs `send` instead) and reads the reply. */
  const step = async (stage: SmtpStageName, command: string | undefined, okCodes: readonly number[], send?: () => void) => {
    current = stage;
    const started = performance.now();
    if (send) send();
    else if (command) socket?.write(`${command}\r\n`);
    const reply = await reader.next(stage === 'connect' ? options.connectTimeoutMs : options.commandTimeoutMs, command ?? 'the connection');
    const ok = okCodes.includes(reply.code);
    stages.push({ stage, ...(command ? { command } : {}), ok, reply, tls, durationMs: ms(started) });
    return { stage, ok, reply };
  };
  const rejected = ({ stage, reply }: { stage: SmtpStageName; reply: SmtpReply }): ConversationResult => ({
    stages,
    outcome: 'rejected',
    rejection: { stage, reply },
  });

  try {
    const started = performance.now();
    socket = await openSocket(options, reader);
    const greeting = await step('connect', undefined, [220]);
    // The connect stage covers TCP and the greeting.
    stages[stages.length - 1]!.durationMs = ms(started);
    if (!greeting.ok) return rejected(greeting);

    let ehlo = await step('ehlo', `EHLO ${options.name}`, [250]);
    if (!ehlo.ok) return rejected(ehlo);
    const offersTls = /^250[ -]STARTTLS\b/im.test(ehlo.reply.text);
    if (offersTls) {
      const starttls = await step('starttls', 'STARTTLS', [220]);
      if (!starttls.ok) return rejected(starttls);
      current = 'starttls';
      const upgradeStarted = performance.now();
      socket = await upgrade(socket as Socket, options, reader);
      tls = true;
      stages[stages.length - 1]!.durationMs += ms(upgradeStarted);
      stages[stages.length - 1]!.tls = true;
      ehlo = await step('ehlo', `EHLO ${options.name}`, [250]);
      if (!ehlo.ok) return rejected(ehlo);
    } else if (request.requireTls !== false) {
      return {
        stages,
        outcome: 'failed',
        failure: {
          stage: 'starttls',
          code: 'AdapterUnavailable',
          errorCode: 'ENOSTARTTLS',
          message: `${options.host}:${options.port} does not offer STARTTLS; Exchange Online always does, so this is not the tenant's MX.`,
        },
      };
    }

    const mail = await step('mail', `MAIL FROM:<${request.from}>`, [250]);
    if (!mail.ok) return rejected(mail);
    for (const to of request.to) {
      const rcpt = await step('rcpt', `RCPT TO:<${to}>`, [250, 251]);
      if (!rcpt.ok) return rejected(rcpt);
    }
    if (request.stopAfterRcpt) return { stages, outcome: 'accepted' };

    const data = await step('data', 'DATA', [354]);
    if (!data.ok) return rejected(data);
    if (request.message === undefined) return { stages, outcome: 'accepted' };
    const body = dotStuff(request.message);
    const sent = await step('message', `(message, ${body.length} bytes)`, [250], () => socket?.write(body));
    if (!sent.ok) return rejected(sent);
    return { stages, outcome: 'accepted' };
  } catch (error) {
    return { stages, outcome: 'failed', failure: failureOf(error, current, `${options.host}:${options.port}`) };
  } finally {
    if (socket && !socket.destroyed) {
      // Say goodbye without waiting for the answer; the server may already have hung up.
      socket.end('QUIT\r\n');
      socket.destroy();
    }
  }
}

function ms(started: number): number {
  return Math.round(performance.now() - started);
}

function openSocket(options: ConversationOptions, reader: ReplyReader): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = netConnect({
      host: options.host,
      port: options.port,
      ...(options.localAddress ? { localAddress: options.localAddress } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new WireError('ETIMEDOUT', `no connection within ${formatSeconds(options.connectTimeoutMs)}`));
    }, options.connectTimeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve(socket);
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    wire(socket, reader);
  });
}

/** STARTTLS: the same TCP connection, wrapped; the reader now listens to the TLS socket. */
function upgrade(plain: Socket, options: ConversationOptions, reader: ReplyReader): Promise<TLSSocket> {
  plain.removeAllListeners('data');
  return new Promise((resolve, reject) => {
    const secure = tlsConnect({
      socket: plain,
      // Without `host`, Node checks the certificate against "localhost". An IP address is checked
      // as such but sent without SNI (Node refuses an IP as servername).
      host: options.host,
      ...(isIP(options.host) ? {} : { servername: options.host }),
      ...(options.ca ? { ca: options.ca } : {}),
    });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new WireError('ETIMEDOUT', `no TLS handshake within ${formatSeconds(options.commandTimeoutMs)}`));
    }, options.commandTimeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      resolve(secure);
    });
    secure.once('error', (error) => {
      clearTimeout(timer);
      reject(Object.assign(error, { tls: true }));
    });
    wire(secure, reader);
  });
}

function wire(socket: Socket, reader: ReplyReader): void {
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
  socket.on('error', (error: NodeJS.ErrnoException) => reader.fail(error));
  socket.on('close', () => reader.fail(new WireError('ECLOSED', 'the server closed the connection')));
}
