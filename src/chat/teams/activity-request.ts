import type { IncomingMessage, ServerResponse } from 'node:http';

/** The largest activity the bot reads; Teams' own messages are far smaller (about 100 KB at most). */
export const MAX_ACTIVITY_BYTES = 512 * 1024;

/** How much of a refused body is read and dropped before the connection is cut. */
const DRAIN_LIMIT_BYTES = 8 * 1024 * 1024;

/** The request body is larger than MAX_ACTIVITY_BYTES. */
export class ActivityTooLarge extends Error {
  constructor() {
    super(`The activity is larger than ${MAX_ACTIVITY_BYTES / 1024} KB.`);
  }
}

/**
 * The request body, up to MAX_ACTIVITY_BYTES. A larger one (by its Content-Length, or as it arrives)
 * rejects with ActivityTooLarge; the rest of it is read and dropped, so that the 413 reaches the
 * sender instead of a reset connection.
 */
export function readActivityBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const refuse = () => {
      tooLarge = true;
      chunks.length = 0;
      reject(new ActivityTooLarge());
    };
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Dropping a few MB keeps the answer readable; beyond that the sender is not a Bot Connector.
      if (size > DRAIN_LIMIT_BYTES) req.destroy();
      if (tooLarge) return;
      if (size > MAX_ACTIVITY_BYTES) return refuse();
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!tooLarge) resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > MAX_ACTIVITY_BYTES) refuse();
  });
}

/**
 * A failure to fetch the Bot Framework's OpenID metadata or its signing keys (JWKS), as
 * botframework-connector 4.23 reports it: node-fetch's FetchError (unreachable, not JSON), or
 * "Failed to load openID config: <status>" / "Failed to load Keys: <status>" from OpenIdMetadata.
 */
export function isSigningKeyFetchFailure(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'FetchError' || /^Failed to load (openID config|Keys)\b/.test(error.message);
}

/** A JSON error answer in the Bot Framework's shape (`{error: {code, message}}`). */
export function answerError(
  res: ServerResponse,
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): void {
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(body), ...headers });
  res.end(body);
}
