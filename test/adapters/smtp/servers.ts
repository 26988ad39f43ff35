import { createServer, type Server, type Socket } from 'node:net';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { labTls } from '../../../lab/tls.js';

export interface TestMx {
  port: number;
  /** Remote addresses of the connections it saw. */
  peers: string[];
  messages: { from: string; to: string[]; raw: string }[];
  stop(): Promise<void>;
}

/** An smtp-server with STARTTLS (the lab CA's certificate) and a RCPT rule. */
export async function startTestMx(
  rcpt: (address: string, session: SMTPServerSession) => string | undefined = () => undefined,
): Promise<TestMx> {
  const tls = labTls();
  const peers: string[] = [];
  const messages: TestMx['messages'] = [];
  const server = new SMTPServer({
    key: tls.keyPem,
    cert: tls.certPem,
    authOptional: true,
    disabledCommands: ['AUTH'],
    logger: false,
    onConnect(session, callback) {
      peers.push(session.remoteAddress.replace(/^::ffff:/, ''));
      callback();
    },
    onRcptTo(address, session, callback) {
      const refusal = rcpt(address.address, session);
      if (!refusal) return callback();
      const [code, ...text] = refusal.split(' ');
      callback(Object.assign(new Error(text.join(' ')), { responseCode: Number(code) }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString(),
        });
        callback(null, '2.6.0 <abc@mx.test> Queued mail for delivery');
      });
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    peers,
    messages,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const c of server.connections) c._socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A raw TCP server that scripts the conversation: `onLine` gets each client line. */
export async function startScriptedServer(script: { greeting?: string; onLine?: (line: string, socket: Socket) => void }) {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    if (script.greeting) socket.write(script.greeting);
    let buffer = '';
    socket.on('data', (chunk) => {
      buffer += chunk.toString();
      let i = buffer.indexOf('\r\n');
      while (i >= 0) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 2);
        script.onLine?.(line, socket);
        i = buffer.indexOf('\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    connections: () => sockets.size,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
