import type { ErpPort, ErpSession, ErpVersion } from '../../../src/adapters/erp/port.js';
import type { Adapters } from '../../../src/adapters/index.js';
import { parseConfig } from '../../../src/config/load.js';
import type { CheckDefinition } from '../../../src/engine/check.js';
import type { CheckResult } from '../../../src/engine/result.js';
import { runChecks } from '../../../src/engine/run.js';
import { MailsetupError } from '../../../src/errors.js';

/** The tenant the fixtures describe. */
export const config = parseConfig(
  {
    tenants: [
      {
        name: 'contoso',
        domain: 'contoso.test',
        tenantId: 't-1',
        catchallMailbox: 'erp@contoso.test',
        erpEgressIps: ['203.0.113.10'],
        erp: {
          url: 'https://erp.contoso.test',
          database: 'prod',
          login: 'mailsetup-bot',
          password: 'fixture-pw-1',
          publicUrl: 'https://erp.contoso.test',
        },
      },
    ],
  },
  { env: {} },
);

export function version(major: number): ErpVersion {
  return { serverVersion: `${major}.0`, major, minor: 0, info: [major, 0, 0, 'final', 0, ''] };
}

export function session(major = 16, api: ErpSession['api'] = major >= 19 ? 'json-2' : 'json-rpc'): ErpSession {
  return {
    version: version(major),
    api,
    uid: 7,
    login: 'mailsetup-bot',
    userName: 'bot',
    userEmail: 'mailsetup-bot@contoso.test',
    database: 'prod',
  };
}

/** An ERP port answering from fixtures; what a test does not give throws (a check must not read it). */
export function fakeErp(answers: Partial<ErpPort>, major = 16): ErpPort {
  const base: Partial<ErpPort> = { version: async () => version(major), login: async () => session(major) };
  return new Proxy({ ...base, ...answers } as ErpPort, {
    get(target, key) {
      const value = (target as unknown as Record<string | symbol, unknown>)[key];
      if (value !== undefined) return value;
      return async () => {
        throw new MailsetupError('Internal', `the fixture has no ${String(key)}`);
      };
    },
  });
}

/** Runs one check (dependencies are not in the catalogue, so they do not gate it) over the fake port. */
export async function runCheck(check: CheckDefinition, erp: ErpPort): Promise<CheckResult> {
  const tenant = config.tenants[0]!;
  const report = await runChecks({
    checks: [check],
    catalogue: [check],
    adapters: { erp } as unknown as Adapters,
    tenant,
    services: config.services,
    timeouts: config.timeouts,
  });
  return report.checks[0]!;
}

export const rejects = (error: MailsetupError) => async () => {
  throw error;
};
