import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as NetServer } from 'node:net';
import { type LabServiceName, type LabTraffic, recordAndTakeFault, sleep } from './faults.js';

/** Listens on `port` of `host` (default: an ephemeral one) and resolves with the port. */
export function listen(server: NetServer, host = '127.0.0.1', port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('a lab server did not get a port'));
    });
  });
}

/** Stops an HTTP(S) server; hanging requests (timeout faults) hold their sockets, so they are closed too. */
export function close(server: { close(callback: () => void): unknown; closeAllConnections(): void }): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

/** Sends a whole answer with its Content-Length. */
export function sendBody(
  res: ServerResponse,
  status: number,
  contentType: string,
  text: string,
  headers: Record<string, string> = {},
): void {
  res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** How one HTTP service words its answers to injected faults. */
export interface HttpFaultReplies {
  /** A 200 whose body breaks off (the `malformed` fault). */
  malformed(res: ServerResponse): void;
  /** An injected status: `headers` holds `Retry-After` when the fault sets it, `body` the fault's own body if it has one. */
  status(res: ServerResponse, status: number, headers: Record<string, string>, body: string | undefined): void;
}

/**
 * Records the request and applies a matching fault. Returns true when the fault answered (or
 * deliberately did not), false when the request should be served normally (after any latency).
 */
export async function recordAndApplyFault(
  lab: LabTraffic,
  service: LabServiceName,
  key: string,
  req: IncomingMessage,
  res: ServerResponse,
  replies: HttpFaultReplies,
): Promise<boolean> {
  const fault = recordAndTakeFault(lab, service, key);
  if (!fault) return false;
  switch (fault.kind) {
    case 'latency':
      await sleep(fault.ms);
      return false;
    case 'timeout':
      return true;
    case 'close':
      req.socket.destroy();
      return true;
    case 'malformed':
      replies.malformed(res);
      return true;
    case 'status': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      replies.status(res, fault.status, headers, fault.body);
      return true;
    }
  }
}
