import { describe, expect, it } from 'vitest';
import { MailsetupError } from '../../../src/errors.js';
import { expectActionable } from './expect-verdict.js';
import { healthyFixture, runCheck } from './fixtures.js';

describe('exchange-connector', () => {
  it('passes with an enabled OnPremises connector', async () => {
    const result = await runCheck('exchange-connector', healthyFixture());
    expect(result.status).toBe('pass');
    expect(result.resource).toMatchObject({ kind: 'InboundConnector', name: 'Twenty20 ERP relay' });
  });

  it('fails on a disabled connector, naming Enabled and the 5.7.64 bounce', async () => {
    const f = healthyFixture();
    f.connectors[0]!.Enabled = false;
    const result = await runCheck('exchange-connector', f);
    expectActionable(result, 'fail', 'Enabled false', 'expected true', '5.7.64');
    expect(result.remediation?.command).toBe("Set-InboundConnector -Identity 'Twenty20 ERP relay' -Enabled $true");
    expect(result.cause?.code).toBe('5.7.64');
  });

  it('fails when there is no connector, with the New-InboundConnector to create it', async () => {
    const f = healthyFixture();
    f.connectors = [];
    const result = await runCheck('exchange-connector', f);
    expectActionable(result, 'fail', 'no inbound connector');
    expect(result.remediation?.command).toContain("New-InboundConnector -Name 'Twenty20 ERP relay' -ConnectorType OnPremises");
    expect(result.remediation?.command).toContain("'203.0.113.10'");
  });

  it('fails when only a Partner connector exists', async () => {
    const f = healthyFixture();
    f.connectors[0]!.ConnectorType = 'Partner';
    expectActionable(await runCheck('exchange-connector', f), 'fail', 'OnPremises');
  });

  it("offers a new OnPremises connector with the ERP's configured IPs when the named Partner connector has none", async () => {
    const f = healthyFixture();
    Object.assign(f.connectors[0]!, { ConnectorType: 'Partner', SenderIPAddresses: [] });
    const result = await runCheck('exchange-connector', f, { connector: 'Twenty20 ERP relay' });
    expectActionable(result, 'fail', 'ConnectorType Partner');
    expect(result.remediation?.command).toBe(
      "New-InboundConnector -Name 'Twenty20 ERP relay' -ConnectorType OnPremises -SenderDomains '*' -SenderIPAddresses '203.0.113.10'",
    );
  });

  it('looks for the connector the config names', async () => {
    const f = healthyFixture();
    const result = await runCheck('exchange-connector', f, { connector: 'ERP relay (new)' });
    expectActionable(result, 'fail', 'no inbound connector named "ERP relay (new)"', '"Twenty20 ERP relay"');
    expect((await runCheck('exchange-connector', f, { connector: 'twenty20 erp relay' })).status).toBe('pass');
  });

  it('is an error, not a failure, when Exchange cannot be read', async () => {
    const f = healthyFixture();
    f.errors.getInboundConnectors = new MailsetupError('InsufficientPermission', 'App x may not run Get-InboundConnector.', {
      source: 'exchange',
    });
    const result = await runCheck('exchange-connector', f);
    expect(result.status).toBe('error');
    expect(result.skipReason).toBe('insufficient-permission');
    expect(result.detail).toContain('Get-InboundConnector');
  });
});
