import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { recordAndTakeFault, sleep } from '../faults.js';
import type { LabState } from '../state.js';
import type { LabTenants } from '../tenants.js';
import { acceptedDomainOf, isKnownRecipient, matchingConnectors } from './directory.js';
import { type Delivered, routeMessage } from './mx-delivery.js';

/** The EOP front end that answers; real NDRs name it in brackets. */
export const MX_FRONTEND = 'BN8NAM12FT021.eop-nam12.prod.protection.outlook.com';

export const EXO_REPLIES = {
  sendHelloFirst: '5.5.2 Send hello first',
  relayDenied: `5.7.64 TenantAttribution; Relay Access Denied [${MX_FRONTEND}]`,
  /** A connector matched, but the envelope sender's domain is no accepted domain (rule of 1 Nov 2023). */
  relayDeniedSenderDomain: `5.7.64 TenantAttribution; Relay Access Denied ATTR36 [${MX_FRONTEND}]`,
  directSendDenied: '5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources',
  recipientRejected: `5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [${MX_FRONTEND}]`,
  startTlsRequired: '5.7.3 STARTTLS is required to send mail',
} as const;

type Connection = SMTPServer['connections'] extends Set<infer C> ? C : never;
type Stage = 'connect' | 'ehlo' | 'mail' | 'rcpt' | 'data';

const STAGE_OF: Record<string, Stage> = { EHLO: 'ehlo', HELO: 'ehlo', MAIL: 'mail', RCPT: 'rcpt', DATA: 'data' };
const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3} /;

export interface LabMx {
  port: number;
  stop(): Promise<void>;
}

export interface LabMxOptions {
  tenants: LabTenants;
  key: string;
  cert: string;
  /** Called after each delivery into a lab mailbox of a tenant (the IMAP server announces it). */
  delivered?: (state: LabState, ...delivery: Parameters<Delivered>) => void;
}

/**
 * The tenant's MX with Exchange Online's behaviour: STARTTLS, EHLO before MAIL (and again after
 * STARTTLS), relay to outside domains only for a sender IP in an enabled OnPremises inbound
 * connector, Direct Send refused when `RejectDirectSend` is on, Directory-Based Edge Blocking on
 * Authoritative domains, then transport rules and delivery. It reads the Microsoft lab state live.
 *
 * One MX serves every tenant, as EOP's front ends do: a transaction belongs to the tenant of its
 * first recipient's domain, else (a relay to the outside) to the tenant whose ERP connects from the
 * sender's address, else to the tenant of the envelope sender's domain, else to the first.
 */
export async function startMx(options: LabMxOptions): Promise<LabMx> {
  const { tenants } = options;
  const delivered = options.delivered ?? (() => {});
  const held = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const plain = (remote: string) => remote.replace(/^::ffff:/, '');
  /** Whose loopback stand-ins (egress IP, client certificate) a connecting address is. */
  const facts = (remote: string) => (tenants.byLoopback(plain(remote)) ?? tenants.first).tenant;
  const mappedIp = (remote: string) => facts(remote).egressMap[plain(remote)] ?? plain(remote);
  const presentedCertificate = (session: SMTPServerSession) =>
    session.secure ? facts(session.remoteAddress).certificateMap[plain(session.remoteAddress)] : undefined;
  const transactionTenant = new WeakMap<SMTPServerSession, LabState>();
  const tenantOf = (session: SMTPServerSession, recipient?: string): LabState => {
    let state = transactionTenant.get(session);
    if (!state) {
      const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      state =
        (recipient ? tenants.byDomain(recipient) : undefined) ??
        tenants.byLoopback(plain(session.remoteAddress)) ??
        (sender ? tenants.byDomain(sender) : undefined) ??
        tenants.first;
      transactionTenant.set(session, state);
    }
    return state;
  };

  const server = new SMTPServer({
    name: MX_FRONTEND,
    key: options.key,
    cert: options.cert,
    secure: false,
    authOptional: true,
    disabledCommands: ['AUTH'],
    hideREQUIRETLS: true,
    disableReverseLookup: true,
    size: 157_286_400,
    logger: false,
    closeTimeout: 200,
    onMailFrom(_address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      transactionTenant.delete(session);
      callback();
    },
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback: (err?: Error | null) => void) {
      const sender = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
      callback(
        rcptVerdict(tenantOf(session, address.address), {
          recipient: address.address,
          sender,
          senderIp: mappedIp(session.remoteAddress),
          secure: session.secure,
          certificateName: presentedCertificate(session),
        }),
      );
    },
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback: (err?: Error | null, message?: string) => void) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const ip = mappedIp(session.remoteAddress);
        const state = tenantOf(session);
        const exchange = state.microsoft.exchange;
        routeMessage(
          state,
          {
            from,
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('binary'),
            senderIp: ip,
            senderInOrganization:
              acceptedDomainOf(exchange, from) !== undefined && matchingConnectors(exchange, ip, presentedCertificate(session)).length > 0,
            helo: session.hostNameAppearsAs,
            tls: session.secure,
            mxHost: MX_FRONTEND,
          },
          (box, message) => delivered(state, box, message),
        );
        const id = `${Date.now().toString(36)}.${session.id}`;
        callback(null, `2.6.0 <${id}@${MX_FRONTEND}> [InternalId=${Date.now()}, Hostname=${MX_FRONTEND}] Queued mail for delivery`);
      });
    },
  });

  const originalConnect = server.connect.bind(server);
  server.connect = (socket, socketOptions) => {
    socket.setNoDelay(true);
    const proceed = () => {
      originalConnect(socket, socketOptions);
      const connection = [...server.connections].at(-1);
      if (connection) exchangeQuirks(connection, { tenants, mappedIp });
    };
    // Before EHLO the tenant is not known: only faults for every tenant apply.
    const fault = recordAndTakeFault(tenants.traffic, 'mx', 'connect');
    if (!fault) return proceed();
    switch (fault.kind) {
      case 'close':
        socket.destroy();
        return;
      case 'timeout':
        held.add(socket);
        socket.on('close', () => held.delete(socket));
        socket.on('error', () => {});
        return;
      case 'status':
        socket.end(`${fault.status} ${fault.body ?? defaultText(fault.status)}\r\n`);
        return;
      case 'malformed':
        socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
        return;
      case 'latency': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          proceed();
        }, fault.ms);
        timers.add(timer);
        return;
      }
    }
  };
  server.on('error', () => {});

  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      for (const socket of held) socket.destroy();
      for (const connection of server.connections) connection._socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export interface RcptInput {
  recipient: string;
  sender: string;
  /** The sender's public IP (after the lab's egress mapping). */
  senderIp: string;
  /** STARTTLS done. */
  secure: boolean;
  /** The name on the TLS client certificate the sender presented, if any. */
  certificateName?: string;
}

/**
 * The RCPT decision, in Exchange Online's order: attribution (connector, relay with an accepted
 * envelope-sender domain or certificate domain, Direct Send), then DBEB.
 */
export function rcptVerdict(state: LabState, { recipient, sender, senderIp, secure, certificateName }: RcptInput): Error | null {
  const exchange = state.microsoft.exchange;
  const connectors = matchingConnectors(exchange, senderIp, certificateName);
  if (!secure && connectors.length > 0 && connectors.every((c) => c.RequireTls)) return smtpError(451, EXO_REPLIES.startTlsRequired);
  const domain = acceptedDomainOf(exchange, recipient);
  if (!domain) {
    if (!connectors.some((c) => c.ConnectorType === 'OnPremises')) return smtpError(550, EXO_REPLIES.relayDenied);
    // Since 1 Nov 2023 a relay through an OnPremises connector also needs the envelope sender (P1
    // MAIL FROM), or the name on the certificate the sender presents, in an accepted domain.
    const attributed =
      acceptedDomainOf(exchange, sender) || (certificateName && acceptedDomainOf(exchange, `postmaster@${certificateName}`));
    return attributed ? null : smtpError(550, EXO_REPLIES.relayDeniedSenderDomain);
  }
  if (exchange.organizationConfig.RejectDirectSend && sender !== '' && acceptedDomainOf(exchange, sender) && connectors.length === 0) {
    return smtpError(550, EXO_REPLIES.directSendDenied);
  }
  if (domain.DomainType === 'Authoritative' && !isKnownRecipient(exchange, recipient)) {
    return smtpError(550, EXO_REPLIES.recipientRejected);
  }
  return null;
}

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

function defaultText(status: number): string {
  if (status === 421) return '4.3.2 Service not available, closing transmission channel';
  if (status === 451) return `4.7.500 Server busy. Please try again later from [${MX_FRONTEND}]. (AS770)`;
  return status >= 500 ? '5.0.0 Error' : '4.0.0 Error';
}

interface QuirkContext {
  tenants: LabTenants;
  mappedIp: (remote: string) => string;
}

/**
 * Whose request an SMTP command is, for records and tenant-scoped faults: RCPT names its recipient;
 * other commands belong to the tenant whose ERP is connecting, if it is one.
 */
function commandTenant(ctx: QuirkContext, connection: Connection, command: string): LabState | undefined {
  const recipient = /^RCPT\s+TO:\s*<?([^>\s]+)>?/i.exec(command)?.[1];
  return (recipient ? ctx.tenants.byDomain(recipient) : undefined) ?? ctx.tenants.byLoopback(connection.remoteAddress ?? '');
}

/**
 * smtp-server has no hook for its own reply texts or for the EHLO stage, so each connection is
 * wrapped: Exchange's texts (`503 5.5.2 Send hello first`, its greeting and EHLO line), replies that
 * carry their own enhanced code, request records and faults per stage.
 */
function exchangeQuirks(connection: Connection, ctx: QuirkContext): void {
  const send = connection.send.bind(connection);
  connection.send = (code, data, context) => {
    if (code === 503 && typeof data === 'string' && /HELO\/EHLO first/.test(data)) return send(503, EXO_REPLIES.sendHelloFirst, false);
    if (code === 220 && typeof data === 'string') {
      const text =
        data === 'Ready to start TLS'
          ? '2.0.0 SMTP server ready'
          : `${MX_FRONTEND} Microsoft ESMTP MAIL Service ready at ${new Date().toUTCString()}`;
      return send(220, text, false);
    }
    if (code === 250 && Array.isArray(data)) {
      return send(250, [`${MX_FRONTEND} Hello [${ctx.mappedIp(connection.remoteAddress)}]`, ...data.slice(1)], false);
    }
    if (typeof data === 'string' && ENHANCED.test(data)) return send(code, data, false);
    return send(code, data, context);
  };

  const onCommand = connection._onCommand.bind(connection);
  connection._onCommand = (command, callback) => {
    const name = command.toString().trim().split(/\s+/)[0]?.toUpperCase() ?? '';
    const stage = STAGE_OF[name];
    if (!stage) return onCommand(command, callback);
    const fault = recordAndTakeFault(commandTenant(ctx, connection, command.toString()) ?? ctx.tenants.traffic, 'mx', stage);
    if (!fault) return onCommand(command, callback);
    switch (fault.kind) {
      case 'close':
        connection._socket.destroy();
        return;
      case 'timeout':
        return;
      case 'status':
        send(fault.status, fault.body ?? defaultText(fault.status), false);
        callback?.();
        return;
      case 'malformed':
        connection._socket.write('HTTP/1.1 400 Bad Request\r\n');
        callback?.();
        return;
      case 'latency':
        void sleep(fault.ms).then(() => onCommand(command, callback));
        return;
    }
  };
}
