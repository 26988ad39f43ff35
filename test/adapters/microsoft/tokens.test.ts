import { generateKeyPairSync, randomBytes, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { validateLabToken } from '../../../lab/microsoft/tokens.js';
import { createTokenProvider } from '../../../src/adapters/microsoft/tokens.js';
import { MailsetupError } from '../../../src/errors.js';
import { adapterOptions, labConfig } from '../../lab/microsoft/harness.js';

let lab: Lab;
/** Two key + certificate pairs (RSA key generation is the slow part, so once per file). */
let certA: { keyPem: string; certPem: string };
let certB: { keyPem: string; certPem: string };

beforeAll(async () => {
  lab = await startLab();
  certA = selfSignedCertificate();
  certB = selfSignedCertificate();
});
afterAll(async () => {
  await lab.stop();
});

function provider(tenant: Record<string, unknown> = {}, timeouts: Record<string, unknown> = {}) {
  return createTokenProvider(adapterOptions(labConfig(lab, tenant, timeouts)));
}

/** Token-endpoint POSTs (one key per scope) since `from`. */
function tokenPosts(from: number): string[] {
  return lab.requests
    .slice(from)
    .filter((r) => r.service === 'token' && r.key.startsWith('POST '))
    .map((r) => r.key);
}

async function failure(promise: Promise<unknown>): Promise<MailsetupError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailsetupError);
  return error as MailsetupError;
}

/** A key and a self-signed certificate, as an admin would upload to the app registration. */
function selfSignedCertificate(): { keyPem: string; certPem: string } {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const key = forge.pki.privateKeyFromPem(privateKey);
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const name = [{ name: 'commonName', value: 'mailsetup test app' }];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.sign(key, forge.md.sha256.create());
  return { keyPem: privateKey, certPem: forge.pki.certificateToPem(cert) };
}

describe('token provider against the lab', () => {
  it('gets one token per resource and serves repeats from its cache', async () => {
    const from = lab.requests.length;
    const tokens = provider();
    const graph = await tokens.getToken('graph');
    const exchange = await tokens.getToken('exchange');
    expect(await tokens.getToken('graph')).toBe(graph);
    expect(await tokens.getToken('exchange')).toBe(exchange);

    const posts = tokenPosts(from);
    expect(posts).toHaveLength(2);
    expect(posts.some((k) => k.endsWith(`${new URL(labConfig(lab).services.graphUrl).origin}/.default`))).toBe(true);
    expect(posts.some((k) => k.endsWith(`${labConfig(lab).services.exchangeAdminUrl}/.default`))).toBe(true);
    expect(lab.requests.slice(from).filter((r) => r.key.includes('openid-configuration'))).toHaveLength(1);
    expect(validateLabToken(lab.state, graph, 'graph')).toMatchObject({ ok: true });
    expect(validateLabToken(lab.state, exchange, 'exchange')).toMatchObject({ ok: true });
    expect(validateLabToken(lab.state, graph, 'exchange')).toEqual({ ok: false, reason: 'wrong-audience' });
  });

  it('makes concurrent callers share one token request', async () => {
    const from = lab.requests.length;
    const tokens = provider();
    const [a, b, c] = await Promise.all([tokens.getToken('exchange'), tokens.getToken('exchange'), tokens.getToken('exchange')]);
    expect(new Set([a, b, c]).size).toBe(1);
    expect(tokenPosts(from)).toHaveLength(1);
  });

  it('renews a token that expires within the refresh margin', async () => {
    lab.state.microsoft.tokenLifetimeSeconds = 120;
    try {
      const from = lab.requests.length;
      const tokens = provider();
      const first = await tokens.getToken('graph');
      const second = await tokens.getToken('graph');
      expect(second).not.toBe(first);
      expect(tokenPosts(from)).toHaveLength(2);
    } finally {
      lab.state.microsoft.tokenLifetimeSeconds = 3599;
    }
  });

  it('signs in with a certificate (SHA-1 thumbprint, RS256 assertion)', async () => {
    const { keyPem, certPem } = certA;
    const fingerprint = new X509Certificate(certPem).fingerprint; // AA:BB:… (SHA-1), as portals show it
    lab.state.microsoft.app.certificateThumbprint = fingerprint.replace(/:/g, '');
    lab.state.microsoft.app.certificatePem = certPem;
    const tokens = provider({
      microsoft: { clientId: lab.state.tenant.clientId, certificate: { privateKey: keyPem, thumbprint: fingerprint } },
    });
    const token = await tokens.getToken('exchange');
    expect(validateLabToken(lab.state, token, 'exchange')).toMatchObject({ ok: true, clientId: lab.state.tenant.clientId });
  });

  it('signs in with a certificate given by its SHA-256 thumbprint (PS256 assertion)', async () => {
    const { keyPem, certPem } = certB;
    const sha256 = new X509Certificate(certPem).fingerprint256.replace(/:/g, '');
    lab.state.microsoft.app.certificateThumbprint = sha256;
    lab.state.microsoft.app.certificatePem = certPem;
    const tokens = provider({
      microsoft: { clientId: lab.state.tenant.clientId, certificate: { privateKey: keyPem, thumbprint: sha256 } },
    });
    expect(validateLabToken(lab.state, await tokens.getToken('graph'), 'graph')).toMatchObject({ ok: true });
  });

  it('reports a certificate the app does not know as AuthFailed naming the app', async () => {
    const [registered, other] = [certA, certB];
    lab.state.microsoft.app.certificateThumbprint = new X509Certificate(registered.certPem).fingerprint.replace(/:/g, '');
    lab.state.microsoft.app.certificatePem = registered.certPem;
    const tokens = provider({
      microsoft: {
        clientId: lab.state.tenant.clientId,
        certificate: { privateKey: other.keyPem, thumbprint: new X509Certificate(other.certPem).fingerprint },
      },
    });
    const error = await failure(tokens.getToken('graph'));
    expect(error.code).toBe('AuthFailed');
    expect(error.userMessage).toContain('AADSTS700027');
    expect(error.userMessage).toContain(lab.state.tenant.clientId);
    expect(error.userMessage).toContain('certificate');
  });

  it('maps a wrong client secret (AADSTS7000215) to AuthFailed naming the app, not the secret, and says to renew it', async () => {
    const wrong = `wrong-${randomBytes(8).toString('hex')}`;
    const error = await failure(provider({ microsoft: { clientId: lab.state.tenant.clientId, clientSecret: wrong } }).getToken('graph'));
    expect(error.code).toBe('AuthFailed');
    expect(error.userMessage).toContain('AADSTS7000215');
    expect(error.userMessage).toContain(lab.state.tenant.clientId);
    expect(error.userMessage).toMatch(/renew the secret/i);
    expect(error.userMessage).not.toContain(wrong);
    expect(JSON.stringify(error.details)).not.toContain(wrong);
  });

  it('maps an unknown tenant (AADSTS90002) to AuthFailed', async () => {
    const error = await failure(provider({ tenantId: '00000000-0000-0000-0000-00000000dead' }).getToken('exchange'));
    expect(error.code).toBe('AuthFailed');
    expect(error.userMessage).toContain('AADSTS90002');
    expect(error.userMessage).toContain('00000000-0000-0000-0000-00000000dead');
  });

  it('maps a token endpoint outage (503) to AdapterUnavailable', async () => {
    lab.inject({ service: 'token', match: 'oauth2/v2.0/token', kind: 'status', status: 503, times: 1 });
    const error = await failure(provider().getToken('graph'));
    expect(error.code).toBe('AdapterUnavailable');
    expect(error.userMessage).toContain('503');
  });

  it('maps a token endpoint that never answers to AdapterTimeout', async () => {
    lab.inject({ service: 'token', match: 'oauth2/v2.0/token', kind: 'timeout', times: 1 });
    const error = await failure(provider({}, { fetchMs: 300 }).getToken('graph'));
    expect(error.code).toBe('AdapterTimeout');
  });

  it('refuses the lab when its CA is not trusted (certificate checks stay on)', async () => {
    const options = { ...adapterOptions(labConfig(lab)), ca: undefined };
    const error = await failure(createTokenProvider(options).getToken('graph'));
    expect(error.code).toBe('AdapterUnavailable');
    expect(error.userMessage).toMatch(/certificate .* not trusted/);
    expect(error.userMessage).toContain('services.caFile');
  });

  it('maps an unreachable authority to AdapterUnavailable', async () => {
    const config = labConfig(lab);
    const options = adapterOptions(config);
    const closed = await startLab();
    const address = (closed.config.services as { authorityHost: string }).authorityHost;
    await closed.stop();
    const error = await failure(
      createTokenProvider({ ...options, services: { ...options.services, authorityHost: address } }).getToken('graph'),
    );
    expect(error.code).toBe('AdapterUnavailable');
    expect(error.userMessage).toContain('ECONNREFUSED');
  });
});
