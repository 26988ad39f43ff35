import { afterEach, describe, expect, it } from 'vitest';
import { startLab } from '../../../lab/index.js';
import { type MicrosoftHarness, startMicrosoftHarness } from './harness.js';

/**
 * A sign-in that fails is one sentence with its fix, the same in every Microsoft check that needed
 * the token (Graph and Exchange alike) — never an internal class name or a made-up status.
 */
describe('sign-in failures as the Microsoft checks report them', () => {
  let harness: MicrosoftHarness | undefined;
  afterEach(async () => {
    await harness?.stop();
    harness = undefined;
  });

  async function oneSentenceEverywhere(h: MicrosoftHarness, fix: RegExp): Promise<string> {
    const report = await h.run();
    const errors = report.checks.filter((c) => c.status === 'error');
    expect(errors.map((c) => c.id)).toEqual(
      expect.arrayContaining(['exchange-connector', 'exchange-accepted-domain', 'exchange-catchall-mailbox', 'entra-domain']),
    );
    const details = [...new Set(errors.map((c) => c.detail))];
    expect(details).toHaveLength(1);
    const detail = details[0] as string;
    expect(detail).toMatch(fix);
    expect(detail).not.toMatch(/MailsetupError|GraphError|TypeError|HTTP -1|services\.graphUrl/);
    return detail;
  }

  it('the authority is unreachable: names its host and services.authorityHost', async () => {
    const closed = await startLab();
    const authorityHost = (closed.config.services as { authorityHost: string }).authorityHost;
    await closed.stop();
    harness = await startMicrosoftHarness({ services: { authorityHost } });
    const detail = await oneSentenceEverywhere(
      harness,
      /^Cannot reach Microsoft sign-in at .*\(ECONNREFUSED\)\. Check services\.authorityHost/,
    );
    expect(detail).toContain(new URL(authorityHost).host);
  });

  it('the client secret is wrong: AADSTS7000215 and how to renew it, never the secret', async () => {
    harness = await startMicrosoftHarness();
    // The app registration's secret was renewed; the bot still has the old one.
    harness.lab.state.microsoft.app.clientSecret = 'renewed-in-entra';
    const configured = harness.options.tenant.microsoft?.clientSecret?.reveal() ?? '';
    const { clientId } = harness.lab.state.microsoft.app;
    const detail = await oneSentenceEverywhere(harness, /rejected the client secret of app \S+ \(AADSTS7000215.*Renew the secret/);
    expect(detail).toContain(clientId);
    expect(configured.length).toBeGreaterThan(8);
    expect(detail).not.toContain(configured);
  });

  it("the authority's certificate is not trusted: says to give the CA in services.caFile", async () => {
    harness = await startMicrosoftHarness({ untrustedCa: true });
    await oneSentenceEverywhere(harness, /TLS certificate of Microsoft sign-in .* is not trusted .*services\.caFile/);
  });

  it('the app is not consented in the tenant: AADSTS700016 with the admin consent address', async () => {
    harness = await startMicrosoftHarness();
    const { clientId } = harness.lab.state.microsoft.app;
    // The tenant's directory has no service principal for the app: what an app gets before consent.
    harness.lab.state.microsoft.app.clientId = '99999999-0000-0000-0000-000000000001';
    const detail = await oneSentenceEverywhere(harness, /not registered or not consented there \(AADSTS700016\)/);
    expect(detail).toContain(`/adminconsent?client_id=${clientId}`);
  });

  it('asks the authority once for all the checks when the sign-in itself fails', async () => {
    harness = await startMicrosoftHarness();
    harness.lab.state.microsoft.app.clientSecret = 'rotated-elsewhere';
    const from = harness.lab.requests.length;
    await harness.run();
    const posts = harness.lab.requests.slice(from).filter((r) => r.service === 'token' && r.key.startsWith('POST '));
    expect(posts).toHaveLength(1);
  });

  it('a tenant without a microsoft section: every Microsoft check is skip / not-configured', async () => {
    harness = await startMicrosoftHarness({ tenant: { microsoft: undefined } });
    const report = await harness.run();
    expect(report.checks.length).toBeGreaterThan(5);
    for (const check of report.checks) {
      expect({ id: check.id, status: check.status, skipReason: check.skipReason }).toEqual({
        id: check.id,
        status: 'skip',
        skipReason: 'not-configured',
      });
    }
    expect(report.checks[0]?.detail).toMatch(/no Microsoft app \(tenants\[\]\.microsoft\).*add tenants\[\]\.microsoft/);
  });
});
