import { describe, expect, it } from 'vitest';
import { erpOutgoingServerCheck } from '../../../src/checks/erp/erp-outgoing-server.js';
import { MailsetupError } from '../../../src/errors.js';
import { outgoing } from './fixtures.js';
import { fakeErp, rejects, runCheck } from './harness.js';

const check = (servers: ReturnType<typeof outgoing>[], major = 16) =>
  runCheck(erpOutgoingServerCheck, fakeErp({ outgoingServers: async () => servers }, major));

describe('erp-outgoing-server', () => {
  it('passes for the MX host on 25 with STARTTLS, no login, from_filter = domain', async () => {
    const result = await check([outgoing()]);
    expect(result.status).toBe('pass');
    expect(result.observed.server).toMatchObject({
      smtp_host: 'contoso-test.mail.protection.outlook.com',
      smtp_port: 25,
      from_filter: 'contoso.test',
    });
  });

  it('fails for a server that does not point at Exchange Online', async () => {
    const result = await check([outgoing({ smtpHost: 'smtp.office365.com', smtpPort: 587 })]);
    expect(result.status).toBe('fail');
    expect(result.detail).toBe(
      'No outgoing mail server points at Exchange Online: smtp_host is "smtp.office365.com", expected the tenant\'s MX host contoso-test.mail.protection.outlook.com.',
    );
    expect(result.remediation?.manual).toMatch(
      /Settings ▸ Technical ▸ Email ▸ Outgoing Mail Servers ▸ Exchange Online: SMTP Server contoso-test/,
    );
  });

  it('lists every wrong property: port, encryption, login, from_filter', async () => {
    const result = await check([outgoing({ smtpPort: 465, smtpEncryption: 'ssl', smtpUser: 'erp@contoso.test', fromFilter: null })]);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/smtp_port is 465, expected 25/);
    expect(result.detail).toMatch(/smtp_encryption is "ssl", expected "starttls"/);
    expect(result.detail).toMatch(/smtp_user is "erp@contoso.test", expected empty/);
    expect(result.detail).toMatch(/from_filter is empty, expected "contoso.test"/);
  });

  it('fails when another server is used first for the domain', async () => {
    const gmail = outgoing({ id: 2, name: 'Old relay', smtpHost: 'smtp.relay.example', sequence: 1, fromFilter: 'contoso.test' });
    const result = await check([gmail, outgoing({ fromFilter: 'contoso.test' })]);
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/"Old relay" \(sequence 1\) is used before it for mail from @contoso.test/);
  });

  it('warns when from_filter is a single address of the domain', async () => {
    const result = await check([outgoing({ fromFilter: 'notifications@contoso.test' })]);
    expect(result.status).toBe('warn');
    expect(result.detail).toMatch(/an address: mail from other @contoso.test senders is rewritten/);
  });

  it('does not ask for from_filter before 15', async () => {
    const result = await check([outgoing({ fromFilter: null, smtpAuthentication: null })], 14);
    expect(result.status).toBe('pass');
    expect(result.expected).not.toHaveProperty('from_filter');
  });

  it('is an error when the servers cannot be read', async () => {
    const timeout = new MailsetupError('AdapterTimeout', 'The ERP at https://erp.contoso.test did not answer /jsonrpc within 10 s.');
    const result = await runCheck(erpOutgoingServerCheck, fakeErp({ outgoingServers: rejects(timeout) }));
    expect(result).toMatchObject({ status: 'error', observed: { errorCode: 'AdapterTimeout' } });
  });
});
