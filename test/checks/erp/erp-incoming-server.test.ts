import { describe, expect, it } from 'vitest';
import { erpIncomingServerCheck } from '../../../src/checks/erp/erp-incoming-server.js';
import { MailsetupError } from '../../../src/errors.js';
import { incoming, incomingServer } from './fixtures.js';
import { fakeErp, rejects, runCheck } from './harness.js';

describe('erp-incoming-server', () => {
  it('passes for OAuth IMAP on outlook.office365.com:993 SSL as the catch-all, confirmed', async () => {
    const result = await runCheck(erpIncomingServerCheck, fakeErp({ incomingServers: async () => incoming() }));
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(/reads erp@contoso.test on outlook.office365.com:993 over SSL with OAuth/);
  });

  it('fails password IMAP against Exchange Online, naming 2022 and the OAuth form (16+)', async () => {
    const result = await runCheck(
      erpIncomingServerCheck,
      fakeErp({ incomingServers: async () => incoming([incomingServer({ serverType: 'imap' })]) }),
    );
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/Exchange Online refuses since 2022 \(Basic auth for IMAP was switched off in October 2022\)/);
    expect(result.detail).toMatch(/server_type "outlook" \(Outlook Oauth Authentication\)/);
    expect(result.remediation?.manual).toMatch(/Connect your Outlook account/);
  });

  it('on 12–15 names use_microsoft_outlook_service as the OAuth form', async () => {
    const servers = incoming([incomingServer({ serverType: 'imap', useMicrosoftOutlookService: false })], {
      typeField: 'type',
      serverTypes: ['pop', 'imap', 'local'],
    });
    const result = await runCheck(erpIncomingServerCheck, fakeErp({ incomingServers: async () => servers }, 13));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/type "imap" with use_microsoft_outlook_service/);
    const oauth = incoming([incomingServer({ serverType: 'imap', useMicrosoftOutlookService: true })], { typeField: 'type' });
    expect((await runCheck(erpIncomingServerCheck, fakeErp({ incomingServers: async () => oauth }, 13))).status).toBe('pass');
  });

  it('fails an unconfirmed server on the wrong port', async () => {
    const result = await runCheck(
      erpIncomingServerCheck,
      fakeErp({ incomingServers: async () => incoming([incomingServer({ state: 'draft', port: 143, isSsl: false })]) }),
    );
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/port is 143, expected 993/);
    expect(result.detail).toMatch(/is_ssl is False, expected True/);
    expect(result.detail).toMatch(/state is "draft" \(not confirmed\), expected "done"/);
  });

  it('fails when no server logs in as the catch-all mailbox', async () => {
    const result = await runCheck(
      erpIncomingServerCheck,
      fakeErp({ incomingServers: async () => incoming([incomingServer({ user: 'info@contoso.test' })]) }),
    );
    expect(result.status).toBe('fail');
    expect(result.detail).toBe(
      'No incoming mail server logs in as erp@contoso.test: the servers use "info@contoso.test", expected user erp@contoso.test.',
    );
  });

  it('is an error when the servers cannot be read', async () => {
    const garbled = new MailsetupError(
      'GarbledResponse',
      'The ERP answered fetchmail.server.search_read with data of an unexpected shape.',
    );
    expect((await runCheck(erpIncomingServerCheck, fakeErp({ incomingServers: rejects(garbled) }))).status).toBe('error');
  });
});
