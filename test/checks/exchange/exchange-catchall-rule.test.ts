import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { catchallRule, healthyFixture, runCheck } from './fixtures.js';

describe('exchange-catchall-rule', () => {
  it('passes when every property is as the guide says and nothing runs before it', async () => {
    const result = await runCheck('exchange-catchall-rule', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.observed).toMatchObject({ State: 'Enabled', Mode: 'Enforce', conditions: [], StopRuleProcessing: true });
  });

  it('fails when the rule does not exist, with the New-TransportRule that creates it', async () => {
    const f = healthyFixture();
    f.rules = [];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'fail', 'no transport rule named "Catchall for Twenty20"');
    expect(result.remediation?.command).toBe(
      "New-TransportRule -Name 'Catchall for Twenty20' -RedirectMessageTo 'erp@contoso.test' -ExceptIfSentToScope NotInOrganization -ExceptIfSentToMemberOf 'DynamicAllUsers' -SetAuditSeverity High -Mode Enforce -StopRuleProcessing $true -Priority 0",
    );
  });

  it('fails for a disabled rule and adds Enable-TransportRule to the fix', async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ State: 'Disabled' })];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'fail', 'State is Disabled (expected Enabled)', 'does not redirect');
    // Only what is wrong: its recipients, named by display name, are left as they are.
    expect(result.remediation?.command).toBe("Enable-TransportRule -Identity 'Catchall for Twenty20' -Mode Enforce");
  });

  it('fails for a rule in Audit mode: it only logs', async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ Mode: 'Audit' })];
    expectActionable(await runCheck('exchange-catchall-rule', f), 'fail', 'Mode is Audit', 'Enforce');
  });

  it('fails for a rule with a condition, and the fix clears it', async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ SentTo: ['sales@contoso.test'] })];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'fail', 'conditions is SentTo = sales@contoso.test');
    expect(result.remediation?.command).toBe("Set-TransportRule -Identity 'Catchall for Twenty20' -SentTo $null");
  });

  it('names every wrong property with what was seen and what was expected', async () => {
    const f = healthyFixture();
    f.rules = [
      catchallRule({
        RedirectMessageTo: ['alice@contoso.test'],
        ExceptIfSentToScope: null,
        ExceptIfSentToMemberOf: [],
        SetAuditSeverity: 'Low',
        StopRuleProcessing: false,
      }),
    ];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(
      result,
      'fail',
      'RedirectMessageTo is alice@contoso.test (expected erp@contoso.test)',
      'ExceptIfSentToScope is empty (expected NotInOrganization)',
      'ExceptIfSentToMemberOf is empty (expected to contain DynamicAllUsers)',
      'SetAuditSeverity is Low (expected High)',
      'StopRuleProcessing is false (expected true)',
    );
  });

  it("accepts the group's address and the mailbox alias as Exchange may report them", async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ RedirectMessageTo: ['erp'], ExceptIfSentToMemberOf: ['dynamicallusers@contoso.test'] })];
    expect((await runCheck('exchange-catchall-rule', f)).status).toBe('pass');
  });

  it('passes a healthy rule that names its recipients by display name ("ERP Notification"), comparing what they resolve to', async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ RedirectMessageTo: ['ERP Notification'], ExceptIfSentToMemberOf: ['All Users'] })];
    const result = await runCheck('exchange-catchall-rule', f);
    expect(result.status, result.detail).toBe('pass');
    expect(result.remediation).toBeUndefined();
    expect(result.observed.recipients).toEqual({
      'ERP Notification': { PrimarySmtpAddress: 'erp@contoso.test', objectId: f.users[0]!.id, RecipientType: 'UserMailbox' },
      'All Users': {
        PrimarySmtpAddress: 'DynamicAllUsers@contoso.test',
        objectId: '8c3f4e5f-0000-4000-8000-0000000ddd01',
        RecipientType: 'DynamicDistributionGroup',
      },
    });
  });

  it('looks each distinct identity up once (Get-Recipient), whatever its spelling', async () => {
    const f = healthyFixture();
    f.rules = [
      catchallRule({ RedirectMessageTo: ['ERP Notification'], ExceptIfSentToMemberOf: ['All Users', 'all users', 'DynamicAllUsers'] }),
    ];
    await runCheck('exchange-catchall-rule', f);
    expect([...f.recipientLookups].sort()).toEqual(['All Users', 'DynamicAllUsers', 'ERP Notification', 'erp@contoso.test']);
  });

  it('fails when a display name resolves to another recipient, naming its address', async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ RedirectMessageTo: ['alice'] })];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'fail', 'RedirectMessageTo is alice (alice@contoso.test) (expected erp@contoso.test)');
  });

  it('warns when the rule redirects to an identity that is no recipient: no mismatch, no rewrite of the rule', async () => {
    const f = healthyFixture();
    f.rules = [catchallRule({ RedirectMessageTo: ['ERP Notifications (old)'] })];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'warn', "the rule redirects to 'ERP Notifications (old)', which is no recipient in this tenant");
    expect(result.detail).not.toContain('expected erp@contoso.test');
    expect(result.remediation?.command).toBe("Get-Recipient -Identity 'ERP Notifications (old)'");
    expect(result.observed.recipients).toMatchObject({ 'ERP Notifications (old)': null });
  });

  it('warns when the excepted group is no recipient (deleted), rather than asking to rewrite the rule', async () => {
    const f = healthyFixture();
    f.recipients = f.recipients.filter((r) => r.RecipientType !== 'DynamicDistributionGroup');
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'warn', "the rule excepts members of 'All Users', which is no recipient in this tenant");
    expect(result.remediation?.command).not.toContain('Set-TransportRule');
  });

  it('is an error, not a failure, when recipients cannot be resolved', async () => {
    const f = healthyFixture();
    f.errors.getRecipient = new MailsetupError('InsufficientPermission', 'App x may not run Get-Recipient in Exchange Online.');
    const result = await runCheck('exchange-catchall-rule', f);
    expect(result.status).toBe('error');
    expect(result.skipReason).toBe('insufficient-permission');
  });

  it('fails when an earlier enforcing rule without conditions stops processing, naming it', async () => {
    const f = healthyFixture();
    f.rules = [
      catchallRule({ Identity: 'Legal disclaimer', Name: 'Legal disclaimer', Priority: 0, RedirectMessageTo: [] }),
      catchallRule({ Priority: 1 }),
    ];
    const result = await runCheck('exchange-catchall-rule', f);
    expectActionable(result, 'fail', '"Legal disclaimer"', 'never runs');
    expect(result.remediation?.command).toBe("Set-TransportRule -Identity 'Catchall for Twenty20' -Priority 0");
  });

  it('warns when an earlier stopping rule only catches part of the mail', async () => {
    const f = healthyFixture();
    f.rules = [
      catchallRule({ Identity: 'Spam words', Name: 'Spam words', Priority: 0, SubjectContainsWords: ['lottery'] }),
      catchallRule({ Priority: 1 }),
    ];
    expectActionable(await runCheck('exchange-catchall-rule', f), 'warn', '"Spam words"', 'SubjectContainsWords = lottery');
  });

  it('ignores earlier rules that are disabled, in Audit mode or let processing continue', async () => {
    const f = healthyFixture();
    f.rules = [
      catchallRule({ Identity: 'a', Name: 'a', Priority: 0, State: 'Disabled' }),
      catchallRule({ Identity: 'b', Name: 'b', Priority: 1, Mode: 'Audit' }),
      catchallRule({ Identity: 'c', Name: 'c', Priority: 2, StopRuleProcessing: false }),
      catchallRule({ Priority: 3 }),
    ];
    expect((await runCheck('exchange-catchall-rule', f)).status).toBe('pass');
  });

  it('is an error when the rules cannot be read', async () => {
    const f = healthyFixture();
    f.errors.getTransportRules = new MailsetupError('AdapterUnavailable', 'Exchange Online is unavailable (HTTP 503).');
    const result = await runCheck('exchange-catchall-rule', f);
    expect(result.status).toBe('error');
    expect(result.detail).toContain('HTTP 503');
  });
});
