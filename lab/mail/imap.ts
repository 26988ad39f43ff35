import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import hoodiecrow, { type HoodiecrowConnection, type HoodiecrowParsed, type HoodiecrowServer } from 'hoodiecrow-imap';
import { recordAndTakeFault, sleep } from '../faults.js';
import type { LabState } from '../state.js';
import { authorizePassword, authorizeXoauth2, EXO_IMAP_TEXT } from './imap-auth.js';
import type { LabMailbox, LabMessage, MailboxHost } from './state.js';
import { findMailbox } from './store.js';

/**
 * IMAP over TLS (port 993 style) with hoodiecrow-imap, backed by `state.mail`.
 *
 * hoodiecrow serves one message store per server instance, so the listening instance only greets
 * and authenticates; on a successful login the connection is handed to a (never listening)
 * instance whose INBOX is the user's lab mailbox. The Exchange host speaks XOAUTH2 and refuses
 * passwords with Exchange Online's own texts; the outside host (the probe's provider) takes
 * passwords.
 */
export interface LabImapHost {
  port: number;
  /** Tells connections that have the mailbox selected about a new message (untagged EXISTS). */
  announce(box: LabMailbox, message: LabMessage): void;
  stop(): Promise<void>;
}

export interface LabImapOptions {
  state: LabState;
  host: MailboxHost;
  key: string;
  cert: string;
}

/**
 * Exchange Online advertises `IMAP4 IMAP4rev1 AUTH=PLAIN AUTH=XOAUTH2 SASL-IR UIDPLUS MOVE ID UNSELECT
 * CHILDREN IDLE NAMESPACE LITERAL+`; hoodiecrow has all of them but CHILDREN. The auth plugins only
 * register the capabilities here: the handlers are replaced below.
 */
const PLUGINS: Record<MailboxHost, string[]> = {
  exchange: ['ID', 'UNSELECT', 'IDLE', 'NAMESPACE', 'LITERALPLUS', 'SASL-IR', 'AUTH-PLAIN', 'XOAUTH2', 'UIDPLUS', 'MOVE'],
  outside: ['ID', 'UNSELECT', 'IDLE', 'NAMESPACE', 'LITERALPLUS', 'SASL-IR', 'AUTH-PLAIN', 'UIDPLUS', 'MOVE'],
};

const GREETING: Record<MailboxHost, string> = {
  // The bracketed part is the base64 (UTF-16LE) of the answering server's name, as Exchange sends it.
  exchange: `* OK The Microsoft Exchange IMAP4 service is ready. [${Buffer.from('BN8PR12CA0062.namprd12.prod.outlook.com', 'utf16le').toString('base64')}]\r\n`,
  outside: '* OK Dovecot ready.\r\n',
};

export async function startImapHost(options: LabImapOptions): Promise<LabImapHost> {
  const { state, host } = options;
  const credentials = { key: options.key, cert: options.cert };
  const sockets = new Set<Socket>();
  const stores = new Map<string, HoodiecrowServer>();

  const front = hoodiecrow({ secureConnection: true, credentials, plugins: PLUGINS[host], users: {} });
  const storeFor = (box: LabMailbox): HoodiecrowServer => {
    let server = stores.get(box.address);
    if (!server) {
      server = hoodiecrow({
        credentials,
        plugins: PLUGINS[host],
        users: {},
        storage: { INBOX: liveInbox(state, box.address), '': { separator: '/', folders: {}, type: 'personal' } },
      });
      server.setMaxListeners(0);
      installAuthHandlers(server);
      stores.set(box.address, server);
    }
    return server;
  };

  /** Authenticated without FullAccess: Exchange refuses every mailbox command. */
  const notConnected = new WeakSet<HoodiecrowConnection>();
  const enter = (connection: HoodiecrowConnection, box: LabMailbox, connected = true) => {
    if (!connected) notConnected.add(connection);
    const store = storeFor(box);
    connection.server.removeListener('notify', connection._notificationCallback);
    connection.server = store;
    store.on('notify', connection._notificationCallback);
    connection.state = 'Authenticated';
  };

  /** The answers to a password login: Exchange Online refuses every one (Basic auth is off). */
  const refused = (command: 'LOGIN' | 'AUTHENTICATE') =>
    host === 'outside'
      ? '[AUTHENTICATIONFAILED] Authentication failed.'
      : command === 'LOGIN'
        ? EXO_IMAP_TEXT.loginFailed
        : EXO_IMAP_TEXT.authenticateFailed;
  const welcome = (command: 'LOGIN' | 'AUTHENTICATE') => (host === 'outside' ? 'Logged in' : `${command} completed.`);
  /** A refused login is answered late, as real servers do (state.mail.failedLoginDelayMs). */
  const refuse = (connection: HoodiecrowConnection, parsed: HoodiecrowParsed, text: string, done: () => void) =>
    void sleep(state.mail.failedLoginDelayMs).then(() => reply(connection, parsed, 'NO', text, done));
  const passwordLogin = (user: string, password: string) =>
    host === 'outside' ? authorizePassword(state, host, user, password) : undefined;

  function installAuthHandlers(server: HoodiecrowServer): void {
    server.setCommandHandler('LOGIN', (connection, parsed, _data, done) => {
      if (connection.state !== 'Not Authenticated') return reply(connection, parsed, 'BAD', 'Command received in Invalid state.', done);
      const [user = '', password = ''] = (parsed.attributes ?? []).map((a) => String(a.value));
      const box = passwordLogin(user, password);
      if (!box) return refuse(connection, parsed, refused('LOGIN'), done);
      enter(connection, box);
      reply(connection, parsed, 'OK', welcome('LOGIN'), done);
    });
    server.setCommandHandler('AUTHENTICATE PLAIN', (connection, parsed, _data, done) =>
      withSaslResponse(connection, parsed, done, (payload, finish) => {
        const [, user = '', password = ''] = payload.split('\x00');
        const box = passwordLogin(user, password);
        if (!box) return refuse(connection, parsed, refused('AUTHENTICATE'), finish);
        enter(connection, box);
        reply(connection, parsed, 'OK', welcome('AUTHENTICATE'), finish);
      }),
    );
    if (host !== 'exchange') return;
    server.setCommandHandler('AUTHENTICATE XOAUTH2', (connection, parsed, _data, done) =>
      withSaslResponse(connection, parsed, done, (payload, finish) => {
        const [userPart = '', authPart = ''] = payload.split('\x01');
        const user = userPart.startsWith('user=') ? userPart.slice(5) : '';
        const token = authPart.startsWith('auth=Bearer ') ? authPart.slice(12) : '';
        const result = authorizeXoauth2(state, user, token);
        if (!result.ok) return refuse(connection, parsed, result.text, finish);
        enter(connection, result.mailbox, result.connected);
        reply(connection, parsed, 'OK', 'AUTHENTICATE completed.', finish);
      }),
    );
  }
  installAuthHandlers(front);

  front.connectionHandlers.push((connection) => guardCommands(connection, state, notConnected));
  front.server.removeAllListeners('secureConnection');
  front.server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    // hoodiecrow writes untagged and tagged lines separately: without this, Nagle + delayed ACK add ~40 ms per command.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    const fault = recordAndTakeFault(state, 'imap', 'connect');
    if (fault?.kind === 'close') return void socket.destroy();
    if (fault?.kind === 'timeout') return;
    if (fault?.kind === 'status') return void socket.end(`* BYE ${fault.body ?? 'Server unavailable.'}\r\n`);
    if (fault?.kind === 'malformed') return void socket.end('HTTP/1.1 400 Bad Request\r\n\r\n');
    const greet = () => {
      if (socket.destroyed) return;
      replaceGreeting(socket, GREETING[host]);
      front.createClient(socket);
    };
    if (fault?.kind === 'latency') return void sleep(fault.ms).then(greet);
    greet();
  });
  front.server.on('tlsClientError', () => {});

  await new Promise<void>((resolve, reject) => {
    front.server.once('error', reject);
    front.listen(0, '127.0.0.1', () => resolve());
  });
  const address = front.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;

  return {
    port,
    announce: (box) => {
      const store = stores.get(box.address);
      if (store)
        store.notify({ tag: '*', attributes: [box.messages.length, { type: 'ATOM', value: 'EXISTS' }] }, store.getMailbox('INBOX'));
    },
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => front.close(() => resolve()));
    },
  };
}

/** INBOX for hoodiecrow whose messages and UID counter live in `state.mail` (read at each access). */
function liveInbox(state: LabState, address: string): Record<string, unknown> {
  const box = () => findMailbox(state.mail, address);
  const inbox: Record<string, unknown> = {};
  Object.defineProperty(inbox, 'messages', {
    enumerable: true,
    get: () => box()?.messages ?? [],
    set: (messages: LabMessage[]) => {
      const b = box();
      if (b) b.messages = messages;
    },
  });
  Object.defineProperty(inbox, 'uidnext', {
    enumerable: true,
    get: () => box()?.uidnext ?? 1,
    set: (uidnext: number) => {
      const b = box();
      if (b) b.uidnext = uidnext;
    },
  });
  return inbox;
}

/** hoodiecrow greets with its own banner as soon as it takes the socket; the real servers' text replaces it. */
function replaceGreeting(socket: Socket, greeting: string): void {
  const write = socket.write.bind(socket) as (chunk: unknown, ...rest: unknown[]) => boolean;
  let first = true;
  socket.write = ((chunk: unknown, ...rest: unknown[]) => {
    if (first) {
      first = false;
      socket.write = write as typeof socket.write;
      return write(greeting, ...rest);
    }
    return write(chunk, ...rest);
  }) as typeof socket.write;
}

/** Commands Exchange still answers for a session that is authenticated but not connected to its mailbox. */
const SESSION_COMMANDS = new Set(['CAPABILITY', 'NOOP', 'LOGOUT', 'ID']);

/**
 * Records each command, applies faults by command name (`LOGIN`, `AUTHENTICATE XOAUTH2`, `UID FETCH`,
 * …), and refuses mailbox commands of a session without mailbox access as Exchange does.
 */
function guardCommands(connection: HoodiecrowConnection, state: LabState, notConnected: WeakSet<HoodiecrowConnection>): void {
  const schedule = connection.scheduleCommand.bind(connection);
  connection.scheduleCommand = (data: string) => {
    const words = data.trim().split(/\s+/);
    const first = (words[1] ?? '').toUpperCase();
    const key = first === 'UID' || first === 'AUTHENTICATE' ? `${first} ${(words[2] ?? '').toUpperCase()}` : first;
    const fault = recordAndTakeFault(state, 'imap', key);
    const tag = words[0] ?? '*';
    if (!fault && notConnected.has(connection) && !SESSION_COMMANDS.has(first)) {
      connection.socket?.write(`${tag} BAD ${EXO_IMAP_TEXT.notConnected}\r\n`);
      return;
    }
    if (!fault) return schedule(data);
    switch (fault.kind) {
      case 'close':
        connection.socket?.destroy();
        return;
      case 'timeout':
        return;
      case 'status':
        connection.socket?.write(`${tag} ${fault.status >= 500 ? 'BAD' : 'NO'} ${fault.body ?? 'Server Unavailable. 15'}\r\n`);
        return;
      case 'malformed':
        connection.socket?.write('}}} not imap {{{\r\n');
        return;
      case 'latency':
        void sleep(fault.ms).then(() => schedule(data));
        return;
    }
  };
}

function reply(
  connection: HoodiecrowConnection,
  parsed: HoodiecrowParsed,
  command: 'OK' | 'NO' | 'BAD',
  text: string,
  done: () => void,
): void {
  connection.send({ tag: parsed.tag, command, attributes: [{ type: 'TEXT', value: text }] }, `AUTH ${command}`, parsed);
  done();
}

/** The SASL initial response (SASL-IR) or, without it, the client's answer to an empty `+` continuation. */
function withSaslResponse(
  connection: HoodiecrowConnection,
  parsed: HoodiecrowParsed,
  done: () => void,
  handle: (payload: string, finish: () => void) => void,
): void {
  if (connection.state !== 'Not Authenticated') {
    reply(connection, parsed, 'BAD', 'Command received in Invalid state.', done);
    return;
  }
  const initial = parsed.attributes?.[0]?.value;
  if (initial !== undefined) {
    handle(Buffer.from(String(initial), 'base64').toString('utf8'), done);
    return;
  }
  connection.inputHandler = (line: string) => {
    connection.inputHandler = false;
    handle(Buffer.from(line.trim(), 'base64').toString('utf8'), () => {});
  };
  connection.socket?.write('+ \r\n');
  // The answer comes later, through inputHandler; the command queue must not wait for it.
  done();
}
