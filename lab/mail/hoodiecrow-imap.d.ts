/** The parts of hoodiecrow-imap 2 (CommonJS, untyped) the lab uses; see node_modules/hoodiecrow-imap/lib/server.js. */
declare module 'hoodiecrow-imap' {
  import type { EventEmitter } from 'node:events';
  import type { Server, Socket } from 'node:net';

  export interface HoodiecrowAttribute {
    type: string;
    value: string;
  }

  export interface HoodiecrowParsed {
    tag: string;
    command: string;
    attributes?: HoodiecrowAttribute[] | null;
  }

  export interface HoodiecrowResponse {
    tag: string;
    command?: string;
    attributes?: unknown[];
  }

  export interface HoodiecrowConnection {
    state: 'Not Authenticated' | 'Authenticated' | 'Selected' | 'Logout';
    server: HoodiecrowServer;
    socket: Socket | null;
    /** Set while a SASL exchange waits for the client's continuation line. */
    inputHandler: false | ((line: string) => void);
    _notificationCallback: (...args: unknown[]) => void;
    send(response: HoodiecrowResponse, description?: string, parsed?: HoodiecrowParsed | null, data?: string): void;
    scheduleCommand(data: string): void;
  }

  export type HoodiecrowCommandHandler = (
    connection: HoodiecrowConnection,
    parsed: HoodiecrowParsed,
    data: string,
    callback: () => void,
  ) => void;

  export interface HoodiecrowOptions {
    secureConnection?: boolean;
    credentials?: { key: string; cert: string };
    plugins?: string[];
    storage?: Record<string, unknown>;
    users?: Record<string, unknown>;
    debug?: boolean;
  }

  export interface HoodiecrowServer extends EventEmitter {
    server: Server;
    connectionHandlers: ((connection: HoodiecrowConnection) => void)[];
    createClient(socket: Socket): void;
    setCommandHandler(command: string, handler: HoodiecrowCommandHandler): void;
    getMailbox(path: string): unknown;
    notify(command: HoodiecrowResponse, mailbox?: unknown, ignoreConnection?: HoodiecrowConnection | false): void;
    listen(port: number, host: string, callback: () => void): void;
    close(callback?: () => void): void;
  }

  export default function hoodiecrow(options?: HoodiecrowOptions): HoodiecrowServer;
}
