import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labTls } from '../../../lab/tls.js';
import { createErpAdapter } from '../../../src/adapters/erp/live.js';
import { testConfig } from '../../engine/fixtures.js';

/** An ERP behind an internal CA: trusted through services.caFile, refused without it. */
describe('ERP over HTTPS with an internal CA', () => {
  const tls = labTls();
  const server = createServer({ cert: tls.certPem, key: tls.keyPem }, (req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        jsonrpc: '2.0',
        id: 1,
        result: { server_version: '16.0', server_version_info: [16, 0, 0, 'final', 0, ''], server_serie: '16.0', protocol_version: 1 },
      }),
    );
    req.resume();
  });
  let url = '';
  beforeAll(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const adapter = (ca?: string) => {
    const config = testConfig();
    const tenant = { ...config.tenants[0]!, erp: { ...config.tenants[0]!.erp, url } };
    return createErpAdapter({
      tenant,
      services: config.services,
      timeouts: { fetchMs: 2000, runMs: 5000 },
      ca,
      logger: pino({ level: 'silent' }),
    });
  };

  it('detects the version when the CA is configured', async () => {
    const version = await adapter(tls.caPem).version();
    expect(version.major).toBe(16);
  });

  it('refuses the unknown certificate without it, with a coded error', async () => {
    await expect(adapter().version()).rejects.toMatchObject({ name: 'MailsetupError' });
  });
});
