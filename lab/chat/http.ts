import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { type Fault, type LabServiceName, type RequestRecord, sleep, takeFault } from '../faults.js';

export { MAX_BODY, readBody } from '../http-body.js';

/** What a fake chat service shares with the rest of the lab: faults to apply, requests to record. */
export interface ChatLabShared {
  faults: Fault[];
  requests: RequestRecord[];
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/**
 * Records the request and applies a matching fault. Returns true when the fault answered (or
 * deliberately did not), false when the request should be served normally.
 */
export async function recordAndFault(
  shared: ChatLabShared,
  service: LabServiceName,
  key: string,
  req: IncomingMessage,
  res: ServerResponse,
  errorBody: (status: number) => unknown,
): Promise<boolean> {
  shared.requests.push({ service, key, at: Date.now() });
  const fault = takeFault(shared.faults, service, key);
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
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end('{"ok":true,"channel":"C0');
      return true;
    case 'status': {
      const headers: Record<string, string> = {};
      if (fault.retryAfterSeconds !== undefined) headers['Retry-After'] = String(fault.retryAfterSeconds);
      if (fault.body !== undefined) {
        res.writeHead(fault.status, { 'Content-Type': 'text/plain', ...headers });
        res.end(fault.body);
      } else sendJson(res, fault.status, errorBody(fault.status), headers);
      return true;
    }
  }
}

export function listen(server: Server, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address && typeof address === 'object') resolve(address.port);
      else reject(new Error('the lab chat server did not get a port'));
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}
