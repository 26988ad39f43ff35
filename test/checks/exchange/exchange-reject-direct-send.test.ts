import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { healthyFixture, runCheck } from './fixtures.js';

describe('exchange-reject-direct-send', () => {
  it('passes when RejectDirectSend is off, noting the spoofing trade-off', async () => {
    const result = await runCheck('exchange-reject-direct-send', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('RejectDirectSend is off');
    expect(result.detail).toContain('DMARC');
  });

  it("passes when RejectDirectSend is on and the ERP's connector matches", async () => {
    const f = healthyFixture();
    f.organizationConfig.RejectDirectSend = true;
    const result = await runCheck('exchange-reject-direct-send', f);
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('203.0.113.10');
  });

  it('fails with 5.7.68 when RejectDirectSend is on and no enabled connector matches the ERP', async () => {
    const f = healthyFixture();
    f.organizationConfig.RejectDirectSend = true;
    f.connectors[0]!.Enabled = false;
    const result = await runCheck('exchange-reject-direct-send', f);
    expectActionable(result, 'fail', 'RejectDirectSend is true', '203.0.113.10', '5.7.68');
    expect(result.cause).toMatchObject({ code: '5.7.68' });
    expect(result.remediation?.command).toContain('Set-OrganizationConfig -RejectDirectSend $false');
    expect(result.remediation?.command).toMatch(/^Set-InboundConnector -Identity 'Twenty20 ERP relay' -Enabled \$true /);
  });

  it('names the real connector and the missing addresses in its command, never a placeholder', async () => {
    const f = healthyFixture();
    f.organizationConfig.RejectDirectSend = true;
    f.connectors[0]!.SenderIPAddresses = ['198.51.100.9'];
    const result = await runCheck('exchange-reject-direct-send', f);
    expect(result.remediation?.command).toBe(
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'}  # or: Set-OrganizationConfig -RejectDirectSend $false",
    );
  });

  it('passes when RejectDirectSend is on and a certificate-based connector in an accepted domain matches the ERP', async () => {
    const f = healthyFixture();
    f.organizationConfig.RejectDirectSend = true;
    Object.assign(f.connectors[0]!, { SenderIPAddresses: [], TlsSenderCertificateName: '*.contoso.test', RequireTls: true });
    const result = await runCheck('exchange-reject-direct-send', f);
    expect(result.status, result.detail).toBe('pass');
    expect(result.detail).toContain('by its certificate');
  });

  it('is an error when the organization config cannot be read', async () => {
    const f = healthyFixture();
    f.errors.getOrganizationConfig = new MailsetupError('InsufficientPermission', 'App x may not run Get-OrganizationConfig.');
    const result = await runCheck('exchange-reject-direct-send', f);
    expect(result.status).toBe('error');
    expect(result.skipReason).toBe('insufficient-permission');
  });
});
