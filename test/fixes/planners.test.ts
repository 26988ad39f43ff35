import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { renderCall } from '../../src/engine/fix.js';
import { result, runOnLab } from '../checks/mailflow/lab-run.js';
import { applyOnLab, planOnLab } from './lab-fix.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const connector = (l: Lab) => l.state.microsoft.exchange.inboundConnectors[0]!;

describe('planners: the diff and the calls a user sees, and the check after applying them', () => {
  it('--remove-extra narrows a range holding the ERP to the ERP’s own address, in one change', async () => {
    lab = await startLab();
    connector(lab).SenderIPAddresses = ['203.0.113.0/28', '192.0.2.7'];
    const plan = await planOnLab(lab, 'exchange-connector-ips', { removeExtra: true });
    expect(plan).toMatchObject({
      changes: [{ setting: '"Twenty20 ERP relay" SenderIPAddresses', before: ['203.0.113.0/28', '192.0.2.7'], after: ['203.0.113.10'] }],
    });
    expect('calls' in plan && plan.calls.map(renderCall)).toEqual([
      "Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'; Remove='203.0.113.0/28','192.0.2.7'}",
    ]);
    await applyOnLab(lab, plan);
    expect(result(await runOnLab(lab, ['exchange-connector-ips']), 'exchange-connector-ips').status).toBe('pass');
  });

  it('creates the connector with the ERP’s egress IPs when there is none', async () => {
    lab = await startLab();
    lab.state.microsoft.exchange.inboundConnectors = [];
    const plan = await planOnLab(lab, 'exchange-connector');
    expect('calls' in plan && plan.calls).toEqual([
      {
        service: 'exchange',
        cmdlet: 'New-InboundConnector',
        parameters: {
          Name: 'Twenty20 ERP relay',
          ConnectorType: 'OnPremises',
          SenderDomains: ['*'],
          SenderIPAddresses: ['203.0.113.10'],
          Enabled: true,
        },
      },
    ]);
    await applyOnLab(lab, plan);
    const report = await runOnLab(lab, ['exchange-connector', 'exchange-connector-ips', 'erp-outgoing-test']);
    expect(report.checks.map((c) => [c.id, c.status])).toEqual([
      ['exchange-connector', 'pass'],
      ['exchange-connector-ips', 'pass'],
      ['erp-outgoing-test', 'pass'],
    ]);
  });

  it('switches password IMAP to OAuth and says what a person must still do', async () => {
    lab = await startLab({ scenario: 'erp-incoming-basic-auth' });
    const plan = await planOnLab(lab, 'erp-incoming-server');
    expect(plan).toMatchObject({
      changes: [
        { setting: 'fetchmail.server.server_type', before: 'imap', after: 'outlook' },
        { setting: 'fetchmail.server.password', before: '(not shown)', after: null },
      ],
      notes: [expect.stringContaining('"Connect your Outlook account", sign in as erp@contoso.test')],
    });
    expect(JSON.stringify(plan)).not.toContain('Summer2022!');
  });

  it('sets the error notice template by its XML id', async () => {
    lab = await startLab();
    lab.state.erp.fetchmailServers[0]!.error_notice_template_id = null;
    const plan = await planOnLab(lab, 'erp-error-notice-template');
    expect(plan).toMatchObject({
      changes: [{ setting: 'fetchmail.server.error_notice_template_id', before: null, after: 'Fetchmail - error notice' }],
    });
    await applyOnLab(lab, plan);
    expect(result(await runOnLab(lab, ['erp-error-notice-template']), 'erp-error-notice-template').status).toBe('pass');
  });

  it('on 17+ writes the catch-all alias on mail.alias.domain, not the stale parameter', async () => {
    lab = await startLab({ scenario: 'erp-v17' });
    lab.state.erp.aliasDomains[0]!.catchall_alias = 'catchall';
    const plan = await planOnLab(lab, 'erp-system-params');
    expect('calls' in plan && plan.calls.map(renderCall)).toEqual(["mail.alias.domain.write([1], vals={'catchall_alias': 'erp'})"]);
    await applyOnLab(lab, plan);
    expect(result(await runOnLab(lab, ['erp-system-params']), 'erp-system-params').status).toBe('pass');
  });

  it('rests on a basis that changes when the observed state does', async () => {
    lab = await startLab({ scenario: 'connector-ip-missing' });
    const first = await planOnLab(lab, 'exchange-connector-ips');
    const again = await planOnLab(lab, 'exchange-connector-ips');
    connector(lab).SenderIPAddresses = ['203.0.113.98'];
    const changed = await planOnLab(lab, 'exchange-connector-ips');
    expect('basis' in first && first.basis).toBe('basis' in again && again.basis);
    expect('basis' in changed && changed.basis).not.toBe('basis' in first && first.basis);
  });
});

describe('the catch-all rule planner works on resolved identities', () => {
  const rule = (l: Lab) => l.state.microsoft.exchange.transportRules.find((r) => r.Name === 'Catchall for Twenty20')!;

  it('plans nothing for a healthy rule that names its recipients by display name', async () => {
    lab = await startLab();
    expect(rule(lab).RedirectMessageTo).not.toContain('erp@contoso.test');
    expect(await planOnLab(lab, 'exchange-catchall-rule')).toEqual({ refused: expect.stringContaining('nothing to change') });
  });

  it('sets only the wrong target, leaving the group as Exchange names it', async () => {
    lab = await startLab({ scenario: 'catchall-rule-wrong-target' });
    const plan = await planOnLab(lab, 'exchange-catchall-rule');
    expect('calls' in plan && plan.calls).toEqual([
      {
        service: 'exchange',
        cmdlet: 'Set-TransportRule',
        parameters: { Identity: 'Catchall for Twenty20', RedirectMessageTo: ['erp@contoso.test'] },
      },
    ]);
  });

  it('enables a disabled rule with Enable-TransportRule, and moves it above a rule that shadows it, saying so', async () => {
    lab = await startLab({ scenario: 'catchall-rule-disabled' });
    const enable = await planOnLab(lab, 'exchange-catchall-rule');
    expect('calls' in enable && enable.calls.map(renderCall)).toEqual(["Enable-TransportRule -Identity 'Catchall for Twenty20'"]);
    await lab.stop();
    lab = await startLab({ scenario: 'catchall-rule-shadowed' });
    const move = await planOnLab(lab, 'exchange-catchall-rule');
    expect(move).toMatchObject({
      changes: [
        { setting: 'Priority', before: 1, after: 0 },
        { setting: 'Priority of "Legal disclaimer"', before: 0, after: '1 (moves down one)' },
      ],
    });
    await applyOnLab(lab, move);
    expect(lab.state.microsoft.exchange.transportRules.map((r) => [r.Name, r.Priority])).toEqual(
      expect.arrayContaining([
        ['Catchall for Twenty20', 0],
        ['Legal disclaimer', 1],
      ]),
    );
  });

  it('creates a missing rule with every property of step 4, and the check then passes', async () => {
    lab = await startLab();
    lab.state.microsoft.exchange.transportRules = [];
    const plan = await planOnLab(lab, 'exchange-catchall-rule');
    expect('calls' in plan && plan.calls.map(renderCall)).toEqual([
      "New-TransportRule -Name 'Catchall for Twenty20' -RedirectMessageTo 'erp@contoso.test' -ExceptIfSentToScope 'NotInOrganization' -ExceptIfSentToMemberOf 'DynamicAllUsers' -SetAuditSeverity 'High' -Mode 'Enforce' -StopRuleProcessing $true -Priority 0 -Enabled $true",
    ]);
    await applyOnLab(lab, plan);
    expect(result(await runOnLab(lab, ['exchange-catchall-rule']), 'exchange-catchall-rule').status).toBe('pass');
  });
});
