import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { healthyFixture, member, NOW, runCheck, user } from './fixtures.js';

describe('exchange-dynamic-group', () => {
  it('passes when the group is right and holds every mailbox user', async () => {
    const result = await runCheck('exchange-dynamic-group', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('all 3 mailbox users');
  });

  it('fails when the group does not exist', async () => {
    const f = healthyFixture();
    f.group = null;
    const result = await runCheck('exchange-dynamic-group', f);
    expectActionable(result, 'fail', 'no dynamic distribution group "DynamicAllUsers"');
    expect(result.remediation?.command).toContain(
      "New-DynamicDistributionGroup -Name 'DynamicAllUsers' -IncludedRecipients 'MailboxUsers,MailGroups'",
    );
  });

  it('fails when IncludedRecipients lacks MailGroups', async () => {
    const f = healthyFixture();
    f.group!.IncludedRecipients = 'MailboxUsers';
    expectActionable(
      await runCheck('exchange-dynamic-group', f),
      'fail',
      'IncludedRecipients',
      '"MailboxUsers"',
      'expected "MailboxUsers, MailGroups"',
    );
  });

  it('fails when the group is visible in address lists', async () => {
    const f = healthyFixture();
    f.group!.HiddenFromAddressListsEnabled = false;
    const result = await runCheck('exchange-dynamic-group', f);
    expectActionable(result, 'fail', 'HiddenFromAddressListsEnabled', 'false', 'expected true');
    expect(result.remediation?.command).toContain('-HiddenFromAddressListsEnabled $true');
  });

  it('warns about a new user not yet in the group (24-hour refresh), naming them and the catch-all', async () => {
    const f = healthyFixture();
    const dave = user('dave', 9, 2 / 24);
    f.users.push(dave);
    const result = await runCheck('exchange-dynamic-group', f);
    expectActionable(result, 'warn', 'dave@contoso.test', 'every 24 hours', 'erp@contoso.test');
    expect(result.remediation?.command).toContain('-ForceMembershipRefresh');
  });

  it('counts a mailbox from when its Exchange plan was assigned, not when the account was created', async () => {
    const f = healthyFixture();
    const licensedToday = user('hank', 9, 300);
    licensedToday.assignedPlans = [
      { ...licensedToday.assignedPlans[0]!, assignedDateTime: new Date(NOW.getTime() - 3600_000).toISOString() },
    ];
    f.users.push(licensedToday);
    expectActionable(await runCheck('exchange-dynamic-group', f), 'warn', 'hank@contoso.test');
  });

  it('fails for a user who had a mailbox before the last refresh and is still not a member', async () => {
    const f = healthyFixture();
    f.users.push(user('erin', 9, 30));
    expectActionable(await runCheck('exchange-dynamic-group', f), 'fail', 'erin@contoso.test', 'redirected to the catch-all');
  });

  it('counts only users licensed for Exchange, and matches members by id or address', async () => {
    const f = healthyFixture();
    const unlicensed = user('frank', 9, 30);
    unlicensed.assignedLicenses = [];
    const planOff = user('gina', 10, 30);
    planOff.assignedLicenses = [{ skuId: f.skus[0]!.skuId, disabledPlans: [f.skus[0]!.servicePlans[0]!.servicePlanId] }];
    f.users.push(unlicensed, planOff);
    f.members = f.members.map((m) => ({ ...m, ExternalDirectoryObjectId: null }));
    expect((await runCheck('exchange-dynamic-group', f)).status).toBe('pass');
    f.members = f.users.slice(0, 3).map((u) => ({ ...member(u), PrimarySmtpAddress: `other-${u.userPrincipalName}` }));
    expect((await runCheck('exchange-dynamic-group', f)).status).toBe('pass');
  });

  it('is an error when the members cannot be read', async () => {
    const f = healthyFixture();
    f.errors.getDynamicDistributionGroupMembers = new MailsetupError('AdapterThrottled', 'Exchange Online is throttling the bot.');
    expect((await runCheck('exchange-dynamic-group', f)).status).toBe('error');
  });
});
