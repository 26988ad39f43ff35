import { describe, expect, it } from 'vitest';
import { erpErrorNoticeTemplateCheck } from '../../../src/checks/erp/erp-error-notice-template.js';
import { MailsetupError } from '../../../src/errors.js';
import { incoming, incomingServer } from './fixtures.js';
import { fakeErp, rejects, runCheck } from './harness.js';

const run = (servers: ReturnType<typeof incoming>) =>
  runCheck(erpErrorNoticeTemplateCheck, fakeErp({ incomingServers: async () => servers }));

describe('erp-error-notice-template', () => {
  it('passes when the catch-all server has "Fetchmail - error notice"', async () => {
    const result = await run(incoming());
    expect(result.status).toBe('pass');
    expect(result.observed.error_notice_template_id).toEqual([30, 'Fetchmail - error notice']);
  });

  it('fails when no template is set', async () => {
    const result = await run(incoming([incomingServer({ errorNoticeTemplate: null })]));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/error_notice_template_id is empty, expected "Fetchmail - error notice"/);
    expect(result.remediation?.manual).toMatch(/Incoming Mail Servers ▸ Catch-all ▸ Error notice template/);
  });

  it('fails when another template is set', async () => {
    const result = await run(incoming([incomingServer({ errorNoticeTemplate: { id: 4, name: 'Auto-reply' } })]));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/is "Auto-reply", expected "Fetchmail - error notice"/);
  });

  it('is an error when the servers cannot be read', async () => {
    const denied = new MailsetupError('InsufficientPermission', 'The ERP user "mailsetup-bot" may not call fetchmail.server.fields_get.');
    const result = await runCheck(erpErrorNoticeTemplateCheck, fakeErp({ incomingServers: rejects(denied) }));
    expect(result).toMatchObject({ status: 'error', skipReason: 'insufficient-permission' });
  });
});
