import { describe, expect, it } from 'vitest';
import type { ErpAliasDomains } from '../../../src/adapters/erp/port.js';
import { erpSystemParamsCheck } from '../../../src/checks/erp/erp-system-params.js';
import { MailsetupError } from '../../../src/errors.js';
import { healthyParams } from './fixtures.js';
import { fakeErp, rejects, runCheck } from './harness.js';

const aliasDomains = (catchallAlias = 'erp', companyDomain: number | null = 1): ErpAliasDomains => ({
  domains: [
    {
      id: 1,
      name: 'contoso.test',
      catchallAlias,
      bounceAlias: 'bounce',
      defaultFrom: 'notifications',
      raw: { id: 1, name: 'contoso.test', catchall_alias: catchallAlias },
    },
  ],
  companies: [{ id: 1, name: 'Contoso Ltd', aliasDomainId: companyDomain }],
});

const run = (params: Record<string, string | null>, major = 16, domains: ErpAliasDomains | null = null) =>
  runCheck(erpSystemParamsCheck, fakeErp({ systemParams: async () => params, aliasDomains: async () => domains }, major));

describe('erp-system-params', () => {
  it('passes on 16 with the base URL frozen and the catch-all parameters', async () => {
    expect((await run(healthyParams)).status).toBe('pass');
  });

  it('fails a drifted, unfrozen base URL and a wrong catch-all domain', async () => {
    const result = await run({
      ...healthyParams,
      'web.base.url': 'http://10.0.0.5:8069',
      'web.base.url.freeze': null,
      'mail.catchall.domain': 'contoso.local',
    });
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/web\.base\.url is "http:\/\/10\.0\.0\.5:8069", expected "https:\/\/erp\.contoso\.test"/);
    expect(result.detail).toMatch(/web\.base\.url\.freeze is not set, expected "True"/);
    expect(result.detail).toMatch(/mail\.catchall\.domain is "contoso.local", expected "contoso.test"/);
    expect(result.remediation?.manual).toMatch(
      /System Parameters: set web\.base\.url = https:\/\/erp\.contoso\.test, web\.base\.url\.freeze = True, mail\.catchall\.domain = contoso\.test/,
    );
  });

  it('on 17+ judges mail.alias.domain and ignores the old parameters', async () => {
    const stale = { ...healthyParams, 'mail.catchall.domain': 'old.test', 'mail.catchall.alias': null };
    expect((await run(stale, 17, aliasDomains())).status).toBe('pass');
    const wrong = await run(stale, 17, aliasDomains('catchall', null));
    expect(wrong.status).toBe('fail');
    expect(wrong.detail).toMatch(/mail\.alias\.domain "contoso.test" has catchall_alias "catchall", expected "erp"/);
    expect(wrong.detail).toMatch(/company "Contoso Ltd" uses no alias domain, expected "contoso.test"/);
    expect(wrong.remediation?.manual).toMatch(/Alias Domains ▸ contoso.test: Catchall Alias erp/);
  });

  it('on 17+ without a readable mail.alias.domain judges and expects the old parameters alike', async () => {
    const result = await run(healthyParams, 17, null);
    expect(result.status).toBe('pass');
    expect(result.expected).toMatchObject({ 'mail.catchall.domain': 'contoso.test', 'mail.catchall.alias': 'erp' });
    expect(result.expected).not.toHaveProperty('mail.alias.domain');
    expect(result.detail).not.toContain('(mail.alias.domain)');
  });

  it('is an error when the parameters cannot be read', async () => {
    const denied = new MailsetupError(
      'InsufficientPermission',
      'The ERP user "mailsetup-bot" may not call ir.config_parameter.search_read.',
    );
    const result = await runCheck(erpSystemParamsCheck, fakeErp({ systemParams: rejects(denied), aliasDomains: async () => null }));
    expect(result).toMatchObject({ status: 'error', skipReason: 'insufficient-permission' });
  });
});
