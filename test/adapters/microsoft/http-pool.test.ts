import { createServer, type Server } from 'node:https';
import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { labTls } from '../../../lab/tls.js';
import { createHttpSend } from '../../../src/adapters/microsoft/http.js';

/**
 * The Microsoft senders share one keep-alive pool per CA: every tenant talks to the same hosts, and
 * a TLS handshake per call was most of a watch cycle's CPU. What the server sees: how many
 * connections, and which requests arrived on which.
 */
interface Seen {
  connections: number;
  requests: { method: string; path: string; connection: number }[];
}

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** An HTTPS server on loopback; `dropSecondOnConnection` resets a connection's second request unanswered. */
async function startServer(options: { dropSecondOnConnection?: boolean } = {}): Promise<{ url: string; seen: Seen }> {
  const tls = labTls();
  const seen: Seen = { connections: 0, requests: [] };
  const ids = new WeakMap<Socket, number>();
  const served = new WeakMap<Socket, number>();
  server = createServer({ key: tls.keyPem, cert: tls.certPem });
  server.on('secureConnection', (socket) => ids.set(socket as unknown as Socket, ++seen.connections));
  server.on('request', (req, res) => {
    const socket = req.socket as Socket;
    const count = (served.get(socket) ?? 0) + 1;
    served.set(socket, count);
    seen.requests.push({ method: req.method ?? '', path: req.url ?? '', connection: ids.get(socket) ?? 0 });
    req.resume();
    req.on('end', () => {
      // What a server does when it closes an idle keep-alive connection just as a request arrives.
      if (options.dropSecondOnConnection && count === 2) return socket.destroy();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"value":[]}');
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: `https://127.0.0.1:${port}`, seen };
}

const sender = (label: string, source: string) => createHttpSend({ ca: labTls().caPem, timeoutMs: 3000, label, source });

describe('the shared keep-alive pool', () => {
  it('sends one tenant after another, through different senders, over one connection', async () => {
    const { url, seen } = await startServer();
    const graphOfContoso = sender('Microsoft Graph', 'graph');
    const graphOfFabrikam = sender('Microsoft Graph', 'graph');
    const exchange = sender('Exchange Online', 'exchange');
    for (const send of [graphOfContoso, graphOfFabrikam, exchange, graphOfContoso]) {
      const answer = await send({ url: `${url}/v1.0/organization`, method: 'GET' });
      expect(answer.status).toBe(200);
    }
    expect(seen.requests).toHaveLength(4);
    expect(seen.connections).toBe(1);
  });

  it('sends a read again on a fresh connection when the kept-alive one was closed unanswered', async () => {
    const { url, seen } = await startServer({ dropSecondOnConnection: true });
    const send = sender('Microsoft Graph', 'graph');
    await send({ url: `${url}/v1.0/organization`, method: 'GET' });
    const answer = await send({ url: `${url}/v1.0/domains`, method: 'GET' });
    expect(answer.status).toBe(200);
    expect(seen.requests.map((r) => `${r.path} on ${r.connection}`)).toEqual([
      '/v1.0/organization on 1',
      '/v1.0/domains on 1',
      '/v1.0/domains on 2',
    ]);
  });

  it('never sends a write twice: a POST that is not marked safe fails with the sentence instead', async () => {
    const { url, seen } = await startServer({ dropSecondOnConnection: true });
    const send = sender('Exchange Online', 'exchange');
    await send({
      url: `${url}/adminapi/beta/t/InvokeCommand`,
      method: 'POST',
      body: '{"CmdletInput":{"CmdletName":"Get-AcceptedDomain"}}',
      retrySafe: true,
    });
    await expect(
      send({ url: `${url}/adminapi/beta/t/InvokeCommand`, method: 'POST', body: '{"CmdletInput":{"CmdletName":"Set-TransportRule"}}' }),
    ).rejects.toThrow(/^Exchange Online \(127\.0\.0\.1:\d+\) closed the connection before answering\.$/);
    // The write arrived once (and was dropped); it was not sent again. The next call opens a new connection.
    const next = await send({ url: `${url}/adminapi/beta/t/InvokeCommand`, method: 'POST', body: '{}', retrySafe: true });
    expect(next.status).toBe(200);
    expect(seen.requests.map((r) => r.connection)).toEqual([1, 1, 2]);
  });

  it('retries a sign-in (marked safe) the same way', async () => {
    const { url, seen } = await startServer({ dropSecondOnConnection: true });
    const send = sender('Microsoft sign-in', 'token');
    await send({ url: `${url}/t/v2.0/.well-known/openid-configuration`, method: 'GET' });
    const answer = await send({
      url: `${url}/t/oauth2/v2.0/token`,
      method: 'POST',
      body: 'grant_type=client_credentials',
      retrySafe: true,
    });
    expect(answer.status).toBe(200);
    expect(seen.requests.filter((r) => r.path.endsWith('/token'))).toHaveLength(2);
  });
});
