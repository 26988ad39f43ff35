import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { healthyFixture, runCheck } from './fixtures.js';

describe('exchange-accepted-domain', () => {
  it('passes for InternalRelay and says that Directory-Based Edge Blocking is off', async () => {
    const result = await runCheck('exchange-accepted-domain', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('Directory-Based Edge Blocking is therefore off');
    expect(result.observed).toMatchObject({ DomainType: 'InternalRelay', directoryBasedEdgeBlocking: false });
  });

  it('fails for Authoritative, explaining the 550 5.4.1 rejection before the rule runs', async () => {
    const f = healthyFixture();
    f.acceptedDomains[0]!.DomainType = 'Authoritative';
    const result = await runCheck('exchange-accepted-domain', f);
    expectActionable(result, 'fail', 'DomainType Authoritative', 'expected InternalRelay', '550 5.4.1', 'before the catch-all rule runs');
    expect(result.remediation?.command).toBe("Set-AcceptedDomain -Identity 'contoso.test' -DomainType InternalRelay");
    expect(result.cause).toMatchObject({ code: '5.4.1', checkId: 'exchange-accepted-domain' });
  });

  it('fails when the domain is not accepted at all', async () => {
    const f = healthyFixture();
    f.acceptedDomains = f.acceptedDomains.slice(1);
    expectActionable(await runCheck('exchange-accepted-domain', f), 'fail', 'not an accepted domain', 'contoso.onmicrosoft.com');
  });

  it('is an error when the accepted domains cannot be read', async () => {
    const f = healthyFixture();
    f.errors.getAcceptedDomains = new MailsetupError(
      'GarbledResponse',
      'Exchange Online sent an answer that is not JSON for Get-AcceptedDomain.',
    );
    expect((await runCheck('exchange-accepted-domain', f)).status).toBe('error');
  });
});
