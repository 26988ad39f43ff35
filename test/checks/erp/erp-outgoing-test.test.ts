import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import type { ErpOutgoingServer } from '../../../src/adapters/erp/port.js';
import { sendingServer } from '../../../src/checks/erp/erp-outgoing-test.js';
import { result, runOnLab } from '../mailflow/lab-run.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const mxCommands = (l: Lab) => l.state.requests.filter((r) => r.service === 'mx').map((r) => r.key);

describe('erp-outgoing-test: the ERP presses its own Test Connection, over real SMTP to the lab MX', () => {
  it('healthy: passes, and the MX saw the ERP get as far as DATA', async () => {
    lab = await startLab();
    const check = result(await runOnLab(lab, ['erp-outgoing-test']), 'erp-outgoing-test');
    expect(check).toMatchObject({
      status: 'pass',
      observed: { smtpHost: 'contoso-test.mail.protection.outlook.com', smtpPort: 25, erpMessage: 'Connection Test Successful!' },
    });
    expect(mxCommands(lab)).toEqual(['connect', 'ehlo', 'ehlo', 'mail', 'rcpt', 'data']);
    expect(lab.state.mail.mailboxes['noreply@odoo.com']).toBeUndefined();
  });

  it("the ERP's egress IP missing from the connector: fails with 5.7.64, mapped to exchange-connector-ips", async () => {
    lab = await startLab();
    // The connector-ip-missing state: the connector lists another IP than the ERP's 203.0.113.10.
    lab.state.microsoft.exchange.inboundConnectors[0]!.SenderIPAddresses = ['203.0.113.99'];
    const check = result(await runOnLab(lab, ['erp-outgoing-test']), 'erp-outgoing-test');
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(
      /The server refused the test recipient \(noreply@odoo\.com\) with error 550 5\.7\.64 TenantAttribution; Relay Access Denied/,
    );
    expect(check.cause).toMatchObject({ code: '5.7.64', checkId: 'exchange-connector-ips' });
    expect(check.remediation?.manual).toMatch(/SenderIPAddresses/);
  });

  it('erp-outgoing-wrong-port: the MX host does not answer on 587, and the check quotes the ERP', async () => {
    lab = await startLab({ scenario: 'erp-outgoing-wrong-port' });
    const check = result(await runOnLab(lab, ['erp-outgoing-test']), 'erp-outgoing-test');
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(
      /\(contoso-test\.mail\.protection\.outlook\.com:587, starttls\) failed: "No response received\. Check server address and port number\./,
    );
    expect(check.observed).toMatchObject({ smtpPort: 587 });
  });

  it('RejectDirectSend on, but the ERP matches the connector: Test Connection still passes', async () => {
    lab = await startLab();
    lab.state.microsoft.exchange.organizationConfig.RejectDirectSend = true;
    expect(result(await runOnLab(lab, ['erp-outgoing-test']), 'erp-outgoing-test').status).toBe('pass');
  });

  it('erp-v13: the "Connection Test Succeeded!" error of 12–13 counts as success', async () => {
    lab = await startLab({ scenario: 'erp-v13' });
    const check = result(await runOnLab(lab, ['erp-outgoing-test']), 'erp-outgoing-test');
    expect(check.status).toBe('pass');
    expect(check.detail).toMatch(/succeeded: "Connection Test Succeeded!/);
  });
});

describe('sendingServer: which outgoing server the ERP sends with', () => {
  const server = (id: number, sequence: number, fromFilter: string | null, active = true): ErpOutgoingServer => ({
    id,
    name: `s${id}`,
    smtpHost: 'h',
    smtpPort: 25,
    smtpEncryption: 'starttls',
    smtpUser: null,
    smtpAuthentication: null,
    active,
    sequence,
    fromFilter,
    raw: {},
  });
  it('prefers an active server filtered for the domain, then an unfiltered one, by sequence', () => {
    expect(sendingServer([server(1, 1, 'other.test'), server(2, 5, null), server(3, 9, 'contoso.test')], 'contoso.test')?.id).toBe(3);
    expect(sendingServer([server(1, 1, 'other.test'), server(2, 5, null), server(4, 2, null)], 'contoso.test')?.id).toBe(4);
    expect(sendingServer([server(1, 1, 'contoso.test', false)], 'contoso.test')).toBeUndefined();
  });
});
