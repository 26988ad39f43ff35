import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { isWriteKey } from '../../lab/faults.js';
import { startLab } from '../../lab/index.js';
import { planFix } from '../../src/commands/fix.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';
import { runCli } from '../lab-e2e/io.js';

describe('mailsetup fix: a dry run that prints the plan and changes nothing', () => {
  it('--json prints the plan with its diff, typed calls, basis and expiry, and exits 0', async () => {
    const run = await runCli(['fix', 'exchange-accepted-domain', '--lab', 'domain-authoritative', '--json']);
    expect(run.code).toBe(0);
    const { plan } = JSON.parse(run.stdout);
    expect(plan).toMatchObject({
      checkId: 'exchange-accepted-domain',
      tenant: 'contoso',
      target: 'AcceptedDomain contoso.test',
      changes: [{ setting: 'DomainType', before: 'Authoritative', after: 'InternalRelay' }],
      calls: [{ service: 'exchange', cmdlet: 'Set-AcceptedDomain', parameters: { Identity: 'contoso.test', DomainType: 'InternalRelay' } }],
      basis: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    expect(plan.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(Date.parse(plan.expiresAt) - Date.now()).toBeGreaterThan(25 * 60_000);
  });

  it('prints the diff and the PowerShell as text, says what it trades away, and that nothing changed', async () => {
    const run = await runCli(['fix', 'exchange-accepted-domain', '--lab', 'domain-authoritative']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('DomainType: Authoritative → InternalRelay');
    expect(run.stdout).toContain("1. Set-AcceptedDomain -Identity 'contoso.test' -DomainType 'InternalRelay'");
    expect(run.stdout).toContain('turns off Directory-Based Edge Blocking');
    expect(run.stdout).toContain('Dry run: nothing was changed.');
  });

  it('answers plan null with a reason when the check passes', async () => {
    const run = await runCli(['fix', 'exchange-connector', '--lab', 'healthy', '--json']);
    expect({ code: run.code, out: JSON.parse(run.stdout) }).toEqual({
      code: 0,
      out: { plan: null, reason: 'exchange-connector passes for contoso: there is nothing to fix.' },
    });
  });

  it('says why and points at explain when the bot will not fix it', async () => {
    const unfixable = JSON.parse((await runCli(['fix', 'dns-spf', '--lab', 'spf-missing', '--json'])).stdout);
    expect(unfixable.reason).toMatch(/^The bot does not fix dns-spf .*DNS host.*`explain dns-spf`/);
    const refused = JSON.parse((await runCli(['fix', 'exchange-catchall-mailbox', '--lab', 'mailbox-unlicensed', '--json'])).stdout);
    expect(refused).toEqual({
      plan: null,
      reason: expect.stringMatching(/no licence with Exchange Online.*`explain exchange-catchall-mailbox`/),
    });
  });

  it('--remove-extra asks for the separate plan that removes entries', async () => {
    const plain = JSON.parse((await runCli(['fix', 'exchange-connector-ips', '--lab', 'connector-extra-ip', '--json'])).stdout);
    expect(plain.reason).toContain('--remove-extra');
    const narrowing = JSON.parse(
      (await runCli(['fix', 'exchange-connector-ips', '--lab', 'connector-extra-ip', '--remove-extra', '--json'])).stdout,
    );
    expect(narrowing.plan.calls).toEqual([
      {
        service: 'exchange',
        cmdlet: 'Set-InboundConnector',
        parameters: { Identity: 'Twenty20 ERP relay', SenderIPAddresses: { Remove: ['198.51.100.0/24'] } },
      },
    ]);
  });

  it('an unknown check is a usage error with a sentence', async () => {
    const run = await runCli(['fix', 'exchange-nothing', '--lab', 'healthy']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('There is no check or area called "exchange-nothing".');
  });
});

describe('planFix', () => {
  it('reads but never writes: the lab receives only Get cmdlets and ERP reads', async () => {
    const lab = await startLab({ scenario: 'connector-disabled' });
    try {
      const core = createCore({ config: parseConfig(lab.config, { env: {} }), logger: pino({ level: 'silent' }) });
      const result = await planFix(core, 'exchange-connector', undefined);
      expect(result.plan?.calls.map((c) => ('cmdlet' in c ? c.cmdlet : c.method))).toEqual(['Set-InboundConnector']);
      const cmdlets = lab.state.microsoft.receivedCommands.map((c) => String(c.CmdletName));
      expect(cmdlets.filter((name) => !name.startsWith('Get-'))).toEqual([]);
      expect(lab.state.requests.filter((r) => isWriteKey(r.service, r.key))).toEqual([]);
      expect(lab.state.microsoft.exchange.inboundConnectors[0]?.Enabled).toBe(false);
    } finally {
      await lab.stop();
    }
  });
});
