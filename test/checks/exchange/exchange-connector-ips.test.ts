import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { healthyFixture, runCheck } from './fixtures.js';

describe('exchange-connector-ips', () => {
  it('passes when the connector admits exactly the ERP egress IPs', async () => {
    expect((await runCheck('exchange-connector-ips', healthyFixture())).status).toBe('pass');
  });

  it('is CIDR- and range-aware for both the config and the connector', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.0/28'];
    expect((await runCheck('exchange-connector-ips', f, { erpEgressIps: ['203.0.113.0/28'] })).status).toBe('pass');
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.0-203.0.113.7', '203.0.113.8/29'];
    expect((await runCheck('exchange-connector-ips', f, { erpEgressIps: ['203.0.113.0/28'] })).status).toBe('pass');
    f.connectors[0]!.SenderIPAddresses = ['2001:db8::/64'];
    expect((await runCheck('exchange-connector-ips', f, { erpEgressIps: ['2001:db8::25'] })).status).toBe('warn');
  });

  it('fails naming the egress IP the connector does not admit, with the 5.7.64 cause', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.99'];
    const result = await runCheck('exchange-connector-ips', f);
    expectActionable(result, 'fail', '203.0.113.10', 'SenderIPAddresses', '5.7.64');
    expect(result.remediation?.command).toBe(
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'}",
    );
    expect(result.observed.missing).toEqual(['203.0.113.10']);
  });

  it('fails when a configured range is only partly admitted', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.0/29'];
    expectActionable(await runCheck('exchange-connector-ips', f, { erpEgressIps: ['203.0.113.0/28'] }), 'fail', '203.0.113.0/28');
  });

  it('warns about addresses the config does not know: a stale whitelist lets others relay', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.10', '198.51.100.0/24'];
    const result = await runCheck('exchange-connector-ips', f);
    expectActionable(result, 'warn', '198.51.100.0/24', '256 addresses', 'relay mail as your organization');
    expect(result.remediation?.command).toContain("@{Remove='198.51.100.0/24'}");
  });

  it('warns when a CIDR block admits the ERP and 255 others, and narrows it in one change that keeps the ERP', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.0/24'];
    const result = await runCheck('exchange-connector-ips', f);
    expectActionable(result, 'warn', '203.0.113.0/24', "255 addresses besides the ERP's own");
    expect(result.remediation?.command).toBe(
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'; Remove='203.0.113.0/24'}",
    );
    expect(result.observed.extra).toEqual([
      { connector: 'Twenty20 ERP relay', entry: '203.0.113.0/24', addresses: '255', admitsErp: true },
    ]);
  });

  it('treats an a-b range holding the ERP the same way, and never offers to remove the ERP address', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.1-203.0.113.20'];
    const result = await runCheck('exchange-connector-ips', f);
    expectActionable(result, 'warn', '203.0.113.1-203.0.113.20', "19 addresses besides the ERP's own");
    expect(result.remediation?.command).toBe(
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'; Remove='203.0.113.1-203.0.113.20'}",
    );
    expect(result.remediation?.manual).toContain('add 203.0.113.10, then remove 203.0.113.1-203.0.113.20');
  });

  it('only removes a range when the ERP address is also listed on its own', async () => {
    const f = healthyFixture();
    f.connectors[0]!.SenderIPAddresses = ['203.0.113.10', '203.0.113.0/24'];
    const result = await runCheck('exchange-connector-ips', f);
    expect(result.remediation?.command).toBe(
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Remove='203.0.113.0/24'}",
    );
  });

  it('passes a certificate-based connector whose certificate name is in an accepted domain (MC1226222)', async () => {
    const f = healthyFixture();
    Object.assign(f.connectors[0]!, { SenderIPAddresses: [], TlsSenderCertificateName: '*.contoso.test', RequireTls: true });
    const result = await runCheck('exchange-connector-ips', f);
    expect(result.status, result.detail).toBe('pass');
    expect(result.detail).toContain('admits the ERP by certificate');
    expect(result.observed.certificates).toEqual([
      {
        connector: 'Twenty20 ERP relay',
        TlsSenderCertificateName: '*.contoso.test',
        domain: 'contoso.test',
        acceptedDomain: 'contoso.test',
      },
    ]);
  });

  it('reads the issuer/subject form Exchange stores, and a subdomain of an accepted domain', async () => {
    const f = healthyFixture();
    Object.assign(f.connectors[0]!, {
      SenderIPAddresses: [],
      TlsSenderCertificateName: "<I>CN=R11, O=Let's Encrypt, C=US<S>CN=erp.mail.contoso.test",
      RequireTls: true,
    });
    expect((await runCheck('exchange-connector-ips', f)).status).toBe('pass');
  });

  it('fails a certificate name outside the accepted domains with the 5.7.64 TenantAttribution cause', async () => {
    const f = healthyFixture();
    Object.assign(f.connectors[0]!, { SenderIPAddresses: [], TlsSenderCertificateName: 'erp.hosting-provider.example', RequireTls: true });
    const result = await runCheck('exchange-connector-ips', f);
    expectActionable(result, 'fail', 'erp.hosting-provider.example', 'not an accepted domain', '5.7.64 TenantAttribution', 'renewed');
    expect(result.cause).toMatchObject({ code: '5.7.64', checkId: 'exchange-connector-ips' });
    expect(result.remediation?.command).toBe(
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -TlsSenderCertificateName '*.contoso.test' -RequireTls $true",
    );
  });

  it('is skipped when the connector check does not pass', async () => {
    const f = healthyFixture();
    f.connectors[0]!.Enabled = false;
    const result = await runCheck('exchange-connector-ips', f);
    expect(result.status).toBe('skip');
    expect(result.skipReason).toBe('dependency-failed');
  });

  it('is an error when the connectors cannot be read', async () => {
    const f = healthyFixture();
    f.errors.getInboundConnectors = new MailsetupError('AdapterTimeout', 'No answer from Exchange Online within 3 s.');
    // The dependency errors first, so this one is skipped without another outside call.
    expect((await runCheck('exchange-connector-ips', f)).status).toBe('skip');
    expect((await runCheck('exchange-connector', f)).status).toBe('error');
  });
});
