import type { IncomingMessage, ServerResponse } from 'node:http';
import type { LabServiceName, LabTraffic } from '../faults.js';
import { recordAndApplyFault, sendBody } from '../http-server.js';

export { MAX_BODY, readBody } from '../http-body.js';
export { close, listen } from '../http-server.js';

/** What a fake chat service shares with the rest of the lab: faults to apply, requests to record. */
export type ChatLabShared = LabTraffic;

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  sendBody(res, status, 'application/json; charset=utf-8', JSON.stringify(body), headers);
}

/**
 * Records the request and applies a matching fault, worded as the chat services answer. Returns true
 * when the fault answered (or deliberately did not), false when the request should be served normally.
 */
export function recordAndFault(
  shared: ChatLabShared,
  service: LabServiceName,
  key: string,
  req: IncomingMessage,
  res: ServerResponse,
  errorBody: (status: number) => unknown,
): Promise<boolean> {
  return recordAndApplyFault(shared, service, key, req, res, {
    malformed: (res) => {
      res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
      res.end('{"ok":true,"channel":"C0');
    },
    status: (res, status, headers, body) => {
      if (body === undefined) return sendJson(res, status, errorBody(status), headers);
      res.writeHead(status, { 'Content-Type': 'text/plain', ...headers });
      res.end(body);
    },
  });
}
