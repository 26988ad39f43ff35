import { describe, expect, it } from 'vitest';
import type { ErpSalesTeam } from '../../../src/adapters/erp/port.js';
import { erpSalesAliasCheck } from '../../../src/checks/erp/erp-sales-alias.js';
import { MailsetupError } from '../../../src/errors.js';
import { team } from './fixtures.js';
import { fakeErp, rejects, runCheck } from './harness.js';

const run = (byName: ErpSalesTeam[], byAlias: ErpSalesTeam[] = byName, major = 16) =>
  runCheck(erpSalesAliasCheck, fakeErp({ salesTeams: async () => ({ byName, byAlias }) }, major));

describe('erp-sales-alias', () => {
  it('passes for the Sales team with alias sales, accepting everyone', async () => {
    const result = await run([team()]);
    expect(result.status).toBe('pass');
    expect(result.detail).toBe('Sales team "Sales" receives sales@contoso.test from everyone (alias status valid).');
  });

  it('fails when only followers may write', async () => {
    const result = await run([team({ aliasContact: 'followers' })]);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/alias_contact is "followers", expected "everyone"/);
    expect(result.remediation?.manual).toMatch(
      /CRM ▸ Configuration ▸ Sales Teams ▸ Sales: Email Alias "sales".*Accept Emails From "Everyone"/,
    );
  });

  it('fails an invalid alias (16+) and a foreign alias domain (17+)', async () => {
    const invalid = await run([team({ aliasStatus: 'invalid' })]);
    expect(invalid.detail).toMatch(/alias_status is "invalid"/);
    const v17 = await run([team({ aliasDomain: 'contoso.local' })], undefined, 17);
    expect(v17.status).toBe('fail');
    expect(v17.detail).toMatch(/alias_domain_id is "contoso.local", expected "contoso.test"/);
  });

  it('fails when no team has that name, and says who holds the alias', async () => {
    const result = await run([], [team({ id: 4, name: 'Inside Sales' })]);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/no sales team named "Sales"; the alias "sales" belongs to team "Inside Sales"/);
  });

  it('is an error when the teams cannot be read', async () => {
    const error = new MailsetupError('AdapterThrottled', 'The ERP at https://erp.contoso.test is throttling requests (HTTP 429).');
    expect((await runCheck(erpSalesAliasCheck, fakeErp({ salesTeams: rejects(error) }))).status).toBe('error');
  });
});
