import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { healthyFixture, runCheck } from './fixtures.js';

describe('exchange-catchall-mailbox', () => {
  it('passes for an enabled, licensed user with a mailbox and IMAP on', async () => {
    const result = await runCheck('exchange-catchall-mailbox', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('EXCHANGE_S_STANDARD');
  });

  it('fails when Entra has no such user', async () => {
    const f = healthyFixture();
    f.catchallUser = null;
    const result = await runCheck('exchange-catchall-mailbox', f);
    expectActionable(result, 'fail', 'Entra has no user erp@contoso.test');
    expect(result.remediation?.command).toContain('New-MgUser');
  });

  it('fails for a blocked account', async () => {
    const f = healthyFixture();
    f.catchallUser!.accountEnabled = false;
    expectActionable(await runCheck('exchange-catchall-mailbox', f), 'fail', 'accountEnabled false');
  });

  it('fails without an Exchange plan and names a subscription with free licences', async () => {
    const f = healthyFixture();
    f.licenseDetails = [];
    const result = await runCheck('exchange-catchall-mailbox', f);
    expectActionable(result, 'fail', 'no licence with an Exchange Online plan', 'O365_BUSINESS_ESSENTIALS has 7 free licence(s)');
    expect(result.remediation?.command).toContain(
      "Set-MgUserLicense -UserId 'erp@contoso.test' -AddLicenses @{SkuId='3b555118-da6a-4418-894f-7df1e2096870'}",
    );
  });

  it('names a real SKU (or how to list them) when no subscription has a free licence, never a placeholder', async () => {
    const f = healthyFixture();
    f.licenseDetails = [];
    f.skus[0]!.consumedUnits = f.skus[0]!.prepaidUnits.enabled;
    const result = await runCheck('exchange-catchall-mailbox', f);
    expect(result.remediation?.command).toBe(
      "Set-MgUserLicense -UserId 'erp@contoso.test' -AddLicenses @{SkuId='3b555118-da6a-4418-894f-7df1e2096870'} -RemoveLicenses @()",
    );
    f.skus = [];
    expect((await runCheck('exchange-catchall-mailbox', f)).remediation?.command).toMatch(/^Get-MgSubscribedSku -All/);
  });

  it('creates a missing user without a made-up password in the command', async () => {
    const f = healthyFixture();
    f.catchallUser = null;
    const command = (await runCheck('exchange-catchall-mailbox', f)).remediation?.command ?? '';
    expect(command).toContain("New-MgUser -UserPrincipalName 'erp@contoso.test'");
    expect(command).not.toMatch(/<[^>]+>/);
  });

  it('fails when the Exchange plan is disabled, and warns while it is still provisioning', async () => {
    const f = healthyFixture();
    f.licenseDetails[0]!.servicePlans[0]!.provisioningStatus = 'Disabled';
    expectActionable(await runCheck('exchange-catchall-mailbox', f), 'fail', 'provisioningStatus Disabled', 'expected Success');
    f.licenseDetails[0]!.servicePlans[0]!.provisioningStatus = 'PendingProvisioning';
    expectActionable(await runCheck('exchange-catchall-mailbox', f), 'warn', 'PendingProvisioning');
  });

  it('fails when Exchange has no mailbox', async () => {
    const f = healthyFixture();
    f.mailbox = null;
    f.cas = null;
    expectActionable(await runCheck('exchange-catchall-mailbox', f), 'fail', 'no mailbox erp@contoso.test');
  });

  it('fails when IMAP is off, with Set-CASMailbox', async () => {
    const f = healthyFixture();
    f.cas!.ImapEnabled = false;
    const result = await runCheck('exchange-catchall-mailbox', f);
    expectActionable(result, 'fail', 'ImapEnabled false', 'expected true');
    expect(result.remediation?.command).toBe("Set-CASMailbox -Identity 'erp@contoso.test' -ImapEnabled $true");
  });

  it('is an error when Graph refuses, naming the permission', async () => {
    const f = healthyFixture();
    f.errors.getUser = new MailsetupError('InsufficientPermission', 'App x may not read user erp@contoso.test in Microsoft Graph.', {
      hint: 'Grant it the Microsoft Graph application permission User.Read.All.',
    });
    const result = await runCheck('exchange-catchall-mailbox', f);
    expect(result.status).toBe('error');
    expect(result.skipReason).toBe('insufficient-permission');
    expect(result.detail).toContain('User.Read.All');
  });
});
