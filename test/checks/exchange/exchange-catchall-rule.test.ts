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
    expect(result.remediation?.command).toContain("Enable-TransportRule -Identity 'Catchall for Twenty20' -Mode Enforce");
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
    expect(result.remediation?.command).toContain('-SentTo $null');
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
