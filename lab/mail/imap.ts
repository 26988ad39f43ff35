import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import hoodiecrow, { type HoodiecrowConnection, type HoodiecrowParsed, type HoodiecrowServer } from 'hoodiecrow-imap';
import { recordAndTakeFault, sleep } from '../faults.js';
import type { LabState } from '../state.js';
import type { LabTenants } from '../tenants.js';
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
  /** Tells connections that have the tenant's mailbox selected about a new message (untagged EXISTS). */
  announce(state: LabState, box: LabMailbox, message: LabMessage): void;
  stop(): Promise<void>;
}

export interface LabImapOptions {
  /** Every tenant: a login goes to the tenant of its user (Exchange: by domain; outside: by probe address). */
  tenants: LabTenants;
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
  const { tenants, host } = options;
  const credentials = { key: options.key, cert: options.cert };
  const sockets = new Set<Socket>();
  /** By tenant state, then mailbox address (two tenants may hold the same outside address). */
  const stores = new Map<LabState, Map<string, HoodiecrowServer>>();
  const tenantOf = (user: string): LabState =>
    (host === 'exchange' ? tenants.byDomain(user) : tenants.byOutsideAddress(user)) ?? tenants.first;

  const front = hoodiecrow({ secureConnection: true, credentials, plugins: PLUGINS[host], users: {} });
  // Each connection listens for notifications on the front until it logs in: many tenants at once are no leak.
  front.setMaxListeners(0);
  const storeFor = (state: LabState, box: LabMailbox): HoodiecrowServer => {
    let byAddress = stores.get(state);
    if (!byAddress) {
      byAddress = new Map();
      stores.set(state, byAddress);
    }
    let server = byAddress.get(box.address);
    if (!server) {
      server = hoodiecrow({
        credentials,
        plugins: PLUGINS[host],
        users: {},
        storage: { INBOX: liveInbox(state, box.address), '': { separator: '/', folders: {}, type: 'personal' } },
      });
      server.setMaxListeners(0);
      installAuthHandlers(server);
      byAddress.set(box.address, server);
    }
    return server;
  };

  /** Authenticated without FullAccess: Exchange refuses every mailbox command. */
  const notConnected = new WeakSet<HoodiecrowConnection>();
  /** The tenant a session logged in to (its commands are that tenant's requests). */
  const tenantOfConnection = new WeakMap<HoodiecrowConnection, LabState>();
  const enter = (connection: HoodiecrowConnection, state: LabState, box: LabMailbox, connected = true) => {
    if (!connected) notConnected.add(connection);
    tenantOfConnection.set(connection, state);
    const store = storeFor(state, box);
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
  const refuse = (connection: HoodiecrowConnection, parsed: HoodiecrowParsed, user: string, text: string, done: () => void) =>
    void sleep(tenantOf(user).mail.failedLoginDelayMs).then(() => reply(connection, parsed, 'NO', text, done));
  const passwordLogin = (user: string, password: string) =>
    host === 'outside' ? authorizePassword(tenantOf(user), host, user, password) : undefined;

  function installAuthHandlers(server: HoodiecrowServer): void {
    server.setCommandHandler('LOGIN', (connection, parsed, _data, done) => {
      if (connection.state !== 'Not Authenticated') return reply(connection, parsed, 'BAD', 'Command received in Invalid state.', done);
      const [user = '', password = ''] = (parsed.attributes ?? []).map((a) => String(a.value));
      const box = passwordLogin(user, password);
      if (!box) return refuse(connection, parsed, user, refused('LOGIN'), done);
      enter(connection, tenantOf(user), box);
      reply(connection, parsed, 'OK', welcome('LOGIN'), done);
    });
    server.setCommandHandler('AUTHENTICATE PLAIN', (connection, parsed, _data, done) =>
      withSaslResponse(connection, parsed, done, (payload, finish) => {
        const [, user = '', password = ''] = payload.split('\x00');
        const box = passwordLogin(user, password);
        if (!box) return refuse(connection, parsed, user, refused('AUTHENTICATE'), finish);
        enter(connection, tenantOf(user), box);
        reply(connection, parsed, 'OK', welcome('AUTHENTICATE'), finish);
      }),
    );
    if (host !== 'exchange') return;
    server.setCommandHandler('AUTHENTICATE XOAUTH2', (connection, parsed, _data, done) =>
      withSaslResponse(connection, parsed, done, (payload, finish) => {
        const [userPart = '', authPart = ''] = payload.split('\x01');
        const user = userPart.startsWith('user=') ? userPart.slice(5) : '';
        const token = authPart.startsWith('auth=Bearer ') ? authPart.slice(12) : '';
        const result = authorizeXoauth2(tenantOf(user), user, token);
        if (!result.ok) return refuse(connection, parsed, user, result.text, finish);
        enter(connection, tenantOf(user), result.mailbox, result.connected);
        reply(connection, parsed, 'OK', 'AUTHENTICATE completed.', finish);
      }),
    );
  }
  installAuthHandlers(front);

  front.connectionHandlers.push((connection) => guardCommands(connection, tenants, tenantOfConnection, notConnected));
  front.server.removeAllListeners('secureConnection');
  front.server.on('secureConnection', (socket: TLSSocket) => {
    sockets.add(socket);
    // hoodiecrow writes untagged and tagged lines separately: without this, Nagle + delayed ACK add ~40 ms per command.
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    // The user is not known yet: only faults for every tenant apply.
    const fault = recordAndTakeFault(tenants.traffic, 'imap', 'connect');
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
    announce: (state, box) => {
      const store = stores.get(state)?.get(box.address);
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
function guardCommands(
  connection: HoodiecrowConnection,
  tenants: LabTenants,
  tenantOf: WeakMap<HoodiecrowConnection, LabState>,
  notConnected: WeakSet<HoodiecrowConnection>,
): void {
  const schedule = connection.scheduleCommand.bind(connection);
  connection.scheduleCommand = (data: string) => {
    const words = data.trim().split(/\s+/);
    const first = (words[1] ?? '').toUpperCase();
    const key = first === 'UID' || first === 'AUTHENTICATE' ? `${first} ${(words[2] ?? '').toUpperCase()}` : first;
    // LOGIN names its user; after a login the session belongs to the user's tenant.
    if (first === 'LOGIN' && words[2]) {
      const user = words[2].replace(/^"|"$/g, '');
      const state = tenants.byDomain(user) ?? tenants.byOutsideAddress(user);
      if (state) tenantOf.set(connection, state);
    }
    const fault = recordAndTakeFault(tenantOf.get(connection) ?? tenants.traffic, 'imap', key);
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
