import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { startLab } from '../../lab/index.js';
import { findCheck } from '../../src/checks/registry.js';
import { runReport } from '../../src/commands/run-report.js';
import { runTestEmail } from '../../src/commands/test-email.js';
import { parseConfig } from '../../src/config/load.js';
import { createCore } from '../../src/core.js';

/** The egress-IP hop of test-email and exchange-connector-ips read the connector the same way. */
describe('test-email egress hop against the connector', () => {
  async function run(mutate: (lab: Awaited<ReturnType<typeof startLab>>) => void, connector?: string) {
    const lab = await startLab({ scenario: 'healthy' });
    try {
      mutate(lab);
      const raw = structuredClone(lab.config) as { tenants: Record<string, unknown>[] };
      if (connector) raw.tenants[0]!.connector = connector;
      const config = parseConfig(raw, { env: {} });
      const core = createCore({ config, logger: pino({ level: 'silent' }) });
      const email = await runTestEmail(core);
      const { report } = await runReport({ core, actor: { platform: 'cli', userId: 't' } }, config.tenants[0]!, [
        findCheck('exchange-connector-ips')!,
      ]);
      return { egress: email.hops.find((h) => h.id === 'erp-egress-ip'), connectorIps: report.checks[0]! };
    } finally {
      await lab.stop();
    }
  }

  it('passes when the connector admits the ERP through an Exchange a-b range', async () => {
    const { egress, connectorIps } = await run((lab) => {
      lab.state.microsoft.exchange.inboundConnectors[0]!.SenderIPAddresses = ['203.0.113.1-203.0.113.20'];
    });
    expect(egress).toMatchObject({ status: 'pass' });
    expect(egress!.detail).toContain('(203.0.113.1-203.0.113.20)');
    expect(connectorIps.status).not.toBe('fail');
  });

  it('counts only the configured connector when the config names one', async () => {
    const { egress, connectorIps } = await run((lab) => {
      const [erp] = lab.state.microsoft.exchange.inboundConnectors;
      // A second OnPremises connector admits the ERP; the named one no longer does.
      lab.state.microsoft.exchange.inboundConnectors.push({ ...erp!, Identity: 'Old relay', Name: 'Old relay', Guid: 'old' });
      erp!.SenderIPAddresses = ['198.51.100.99'];
    }, 'Twenty20 ERP relay');
    expect(connectorIps.status).toBe('fail');
    expect(egress).toMatchObject({ status: 'fail' });
    expect(egress!.detail).toContain('"Twenty20 ERP relay"');
    expect(egress!.detail).not.toContain('Old relay');
  });
});
