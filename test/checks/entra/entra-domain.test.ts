import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from '../exchange/expect-verdict.js';
import { healthyFixture, runCheck } from '../exchange/fixtures.js';

describe('entra-domain', () => {
  it('passes for a verified domain that serves Email', async () => {
    const result = await runCheck('entra-domain', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.resource).toMatchObject({ kind: 'Domain', name: 'contoso.test' });
  });

  it('fails for an unverified domain', async () => {
    const f = healthyFixture();
    f.domains[0]!.isVerified = false;
    expectActionable(await runCheck('entra-domain', f), 'fail', 'isVerified false', 'expected true');
  });

  it('fails when the domain does not serve Email', async () => {
    const f = healthyFixture();
    f.domains[0]!.supportedServices = ['OfficeCommunicationsOnline'];
    expectActionable(await runCheck('entra-domain', f), 'fail', 'supportedServices [OfficeCommunicationsOnline]', 'expected Email');
  });

  it('fails when the tenant does not have the domain', async () => {
    const f = healthyFixture();
    f.domains = f.domains.slice(1);
    expectActionable(await runCheck('entra-domain', f), 'fail', 'not a domain of the tenant');
  });

  it('is an error naming Domain.Read.All when Graph refuses', async () => {
    const f = healthyFixture();
    f.errors.listDomains = new MailsetupError('InsufficientPermission', 'App x may not read the domains in Microsoft Graph.', {
      hint: 'Grant it the Microsoft Graph application permission Domain.Read.All.',
    });
    const result = await runCheck('entra-domain', f);
    expect(result.status).toBe('error');
    expect(result.skipReason).toBe('insufficient-permission');
    expect(result.detail).toContain('Domain.Read.All');
  });
});
