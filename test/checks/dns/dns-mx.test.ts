import { describe, expect, it } from 'vitest';
import { dnsMxCheck } from '../../../src/checks/dns/dns-mx.js';
import { MailsetupError } from '../../../src/errors.js';
import { fakeDns } from '../../adapters/dns/fake-dns.js';
import { outgoingServer, runDnsCheck } from './fixture.js';

const EXO = 'contoso-com.mail.protection.outlook.com';

describe('dns-mx', () => {
  it('passes when the MX is Exchange Online and the ERP relays to the same host', async () => {
    const result = await runDnsCheck(dnsMxCheck, fakeDns({ mx: { 'contoso.com': [{ exchange: EXO, priority: 0 }] } }));
    expect(result.status).toBe('pass');
    expect(result.detail).toBe(
      `The MX record of contoso.com points at ${EXO} (preference 0). The ERP's outgoing server "Exchange Online relay" uses the same host.`,
    );
    expect(result.observed).toMatchObject({ mx: [`0 ${EXO}`], erpSmtpHost: EXO });
  });

  it('fails when the MX points at another provider, naming what it saw', async () => {
    const result = await runDnsCheck(dnsMxCheck, fakeDns({ mx: { 'contoso.com': [{ exchange: 'mx1.mailhost.example', priority: 10 }] } }));
    expect(result.status).toBe('fail');
    expect(result.detail).toContain(
      'points at mx1.mailhost.example (preference 10), not at Exchange Online (*.mail.protection.outlook.com)',
    );
    expect(result.remediation?.command).toBe(`contoso.com. 3600 IN MX 0 ${EXO}.`);
  });

  it('fails when there is no MX record, saying whether the name exists', async () => {
    const nx = await runDnsCheck(dnsMxCheck, fakeDns({}));
    expect(nx.status).toBe('fail');
    expect(nx.detail).toContain('the name does not exist in DNS');
    const nodata = await runDnsCheck(dnsMxCheck, fakeDns({ txt: { 'contoso.com': ['v=spf1 -all'] } }));
    expect(nodata.detail).toContain('the name has no MX records');
  });

  it("fails when the ERP's first active server sends elsewhere (smtp.office365.com)", async () => {
    const servers = [
      outgoingServer({ id: 3, name: 'Old relay', smtpHost: EXO, active: false, sequence: 1 }),
      outgoingServer({ id: 2, name: 'Office 365', smtpHost: 'smtp.office365.com', smtpPort: 587, sequence: 5 }),
      outgoingServer({ id: 1, smtpHost: EXO, sequence: 10 }),
    ];
    const result = await runDnsCheck(dnsMxCheck, fakeDns({ mx: { 'contoso.com': [{ exchange: EXO, priority: 0 }] } }), servers);
    expect(result.status).toBe('fail');
    expect(result.detail).toBe(
      `The ERP's outgoing mail server "Office 365" sends to smtp.office365.com, but the MX host of contoso.com is ${EXO}; the relay through the inbound connector only works on the MX host, port 25.`,
    );
    expect(result.resource).toEqual({ kind: 'ir.mail_server', id: '2', name: 'Office 365' });
  });

  it('warns about a backup MX at another provider', async () => {
    const dns = fakeDns({
      mx: {
        'contoso.com': [
          { exchange: EXO, priority: 0 },
          { exchange: 'backup.mailhost.example', priority: 20 },
        ],
      },
    });
    const result = await runDnsCheck(dnsMxCheck, dns);
    expect(result.status).toBe('warn');
    expect(result.detail).toContain('20 backup.mailhost.example');
  });

  it('still judges the MX when the ERP cannot be read, and says it could not compare', async () => {
    const down = new MailsetupError('AdapterUnavailable', 'The ERP did not answer.');
    const result = await runDnsCheck(dnsMxCheck, fakeDns({ mx: { 'contoso.com': [{ exchange: EXO, priority: 0 }] } }), down);
    expect(result.status).toBe('pass');
    expect(result.detail).toContain('The ERP could not be read, so its outgoing server was not compared');
  });

  it('is an error (not a fail) when DNS cannot answer', async () => {
    const dns = fakeDns({});
    dns.mx = async () => {
      throw new MailsetupError('AdapterTimeout', 'The DNS server (127.0.0.1:53) did not answer MX contoso.com in time.');
    };
    const result = await runDnsCheck(dnsMxCheck, dns);
    expect(result.status).toBe('error');
    expect(result.observed).toMatchObject({ errorCode: 'AdapterTimeout' });
  });
});
