import { describe, expect, it } from 'vitest';
import { erpReachableCheck } from '../../../src/checks/erp/erp-reachable.js';
import { MailsetupError } from '../../../src/errors.js';
import { fakeErp, rejects, runCheck, session } from './harness.js';

describe('erp-reachable', () => {
  it('passes when the version is known and the login works', async () => {
    const result = await runCheck(erpReachableCheck, fakeErp({}));
    expect(result.status).toBe('pass');
    expect(result.detail).toBe('The ERP answers (version 16.0) and the bot is logged in as "mailsetup-bot" (uid 7) over JSON-RPC.');
    expect(result.observed).toMatchObject({ serverVersion: '16.0', api: 'json-rpc', uid: 7 });
  });

  it('warns on 19 over JSON-RPC (deprecated; JSON-2 needs an API key)', async () => {
    const result = await runCheck(erpReachableCheck, fakeErp({ login: async () => session(19, 'json-rpc') }, 19));
    expect(result.status).toBe('warn');
    expect(result.detail).toMatch(/JSON-RPC is deprecated in 19/);
    expect(result.remediation?.manual).toMatch(/tenants\[\]\.erp\.apiKey/);
  });

  it('fails on refused credentials, naming the login and how to fix the config', async () => {
    const refused = new MailsetupError(
      'AuthFailed',
      'The ERP refused the bot\'s login "mailsetup-bot" on database "prod" (Access Denied).',
    );
    const result = await runCheck(erpReachableCheck, fakeErp({ login: rejects(refused) }));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/refused the bot's login "mailsetup-bot" on database "prod"/);
    expect(result.remediation?.manual).toMatch(/Settings ▸ Users & Companies ▸ Users ▸ mailsetup-bot/);
    expect(result.remediation?.manual).toMatch(/tenants\[\]\.erp\.password/);
    expect(JSON.stringify(result)).not.toContain('fixture-pw-1');
  });

  it('is an error (not a fail) when the ERP cannot be reached', async () => {
    const down = new MailsetupError('AdapterUnavailable', 'The ERP at https://erp.contoso.test refused the connection.', {
      hint: 'Check the URL.',
    });
    const result = await runCheck(erpReachableCheck, fakeErp({ version: rejects(down) }));
    expect(result.status).toBe('error');
    expect(result.detail).toBe('The ERP at https://erp.contoso.test refused the connection. Check the URL.');
    expect(result.observed).toMatchObject({ errorCode: 'AdapterUnavailable' });
  });
});
