import { describe, expect, it } from 'vitest';
import { erpNotifyModuleCheck } from '../../../src/checks/erp/erp-notify-module.js';
import { MailsetupError } from '../../../src/errors.js';
import { fakeErp, rejects, runCheck } from './harness.js';

const modules = (state: string) => async (names: readonly string[]) =>
  names.map((name) => ({ name, state: name === 'fetchmail_notify_error_to_sender' ? state : 'installed' }));

describe('erp-notify-module', () => {
  it('passes when the OCA module is installed', async () => {
    const result = await runCheck(erpNotifyModuleCheck, fakeErp({ installedModules: modules('installed') }));
    expect(result.status).toBe('pass');
    expect(result.observed).toEqual({ module: 'fetchmail_notify_error_to_sender', state: 'installed' });
  });

  it('fails when it is not installed, with the Apps steps', async () => {
    const result = await runCheck(erpNotifyModuleCheck, fakeErp({ installedModules: modules('uninstalled') }));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/is not installed \(state "uninstalled"\), expected installed/);
    expect(result.remediation?.manual).toMatch(/OCA\/server-tools \(branch 16\.0\).*Update Apps List/);
  });

  it('on 19 says that no 19.0 release exists', async () => {
    const result = await runCheck(erpNotifyModuleCheck, fakeErp({ installedModules: modules('absent') }, 19));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/not in the ERP at all/);
    expect(result.detail).toMatch(/no 19\.0 release/);
  });

  it('is an error with insufficient-permission when the bot may not read modules', async () => {
    const denied = new MailsetupError('InsufficientPermission', 'The ERP user "mailsetup-bot" may not call ir.module.module.search_read.');
    const result = await runCheck(erpNotifyModuleCheck, fakeErp({ installedModules: rejects(denied) }));
    expect(result).toMatchObject({ status: 'error', skipReason: 'insufficient-permission' });
  });
});
