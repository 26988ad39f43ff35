import type { DnsPort } from '../../../src/adapters/dns/port.js';
import type { ErpOutgoingServer } from '../../../src/adapters/erp/port.js';
import type { Adapters } from '../../../src/adapters/index.js';
import { dnsChecks } from '../../../src/checks/dns/index.js';
import { parseConfig } from '../../../src/config/load.js';
import type { CheckDefinition } from '../../../src/engine/check.js';
import type { CheckResult } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';
import { MailsetupError } from '../../../src/errors.js';

export const config = parseConfig({
  tenants: [
    {
      name: 'contoso',
      domain: 'contoso.com',
      tenantId: '7e1b3c52-8d2a-4f4e-9a61-0c2d5e8f9a10',
      catchallMailbox: 'erp@contoso.com',
      erpEgressIps: ['203.0.113.10'],
      erp: {
        url: 'https://erp.contoso.com',
        database: 'prod',
        login: 'bot',
        apiKey: 'erp-key-for-tests',
        publicUrl: 'https://erp.contoso.com',
      },
    },
  ],
  timeouts: { fetchMs: 1000, runMs: 5000 },
});

export function outgoingServer(overrides: Partial<ErpOutgoingServer> = {}): ErpOutgoingServer {
  return {
    id: 1,
    name: 'Exchange Online relay',
    smtpHost: 'contoso-com.mail.protection.outlook.com',
    smtpPort: 25,
    smtpEncryption: 'starttls',
    smtpUser: null,
    smtpAuthentication: 'login',
    active: true,
    sequence: 10,
    fromFilter: 'contoso.com',
    raw: {},
    ...overrides,
  };
}

/** Runs one DNS check through the engine with a fake DNS and a fake ERP (servers, or an error). */
export async function runDnsCheck(
  check: CheckDefinition,
  dns: DnsPort,
  erpServers: ErpOutgoingServer[] | MailsetupError = [outgoingServer()],
): Promise<CheckResult> {
  const erp = {
    outgoingServers: async () => {
      if (erpServers instanceof MailsetupError) throw erpServers;
      return erpServers;
    },
  };
  const adapters = { dns, erp } as unknown as Adapters;
  const report = await runChecks({
    checks: [check],
    catalogue: dnsChecks,
    adapters,
    tenant: config.tenants[0]!,
    services: config.services,
    timeouts: config.timeouts,
  });
  return report.checks[0]!;
}
