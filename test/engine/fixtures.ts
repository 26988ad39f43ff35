import type { Adapters } from '../../src/adapters/index.js';
import { parseConfig } from '../../src/config/load.js';
import type { MailsetupConfig } from '../../src/config/schema.js';
import { type CheckDefinition, defineCheck } from '../../src/engine/check.js';
import type { Verdict } from '../../src/engine/result.js';
import { defineSource, type SourceDef } from '../../src/engine/source.js';

/** The raw `tenants[]` entry of the minimal config (for tests that write a config file of their own). */
export const TEST_TENANT = {
  name: 'contoso',
  domain: 'contoso.test',
  tenantId: 't-1',
  catchallMailbox: 'erp@contoso.test',
  erpEgressIps: ['203.0.113.10'],
  erp: {
    url: 'http://127.0.0.1:9',
    database: 'db',
    login: 'bot',
    password: 'erp-password-seed',
    publicUrl: 'https://erp.contoso.test',
  },
};

/** A minimal valid config for engine and command tests (no outside service is contacted). */
export function testConfig(overrides: Record<string, unknown> = {}): MailsetupConfig {
  return parseConfig({ tenants: [TEST_TENANT], timeouts: { fetchMs: 200, runMs: 5000 }, ...overrides }, { env: {} });
}

export const noAdapters = {} as Adapters;

/** A source whose fetch is counted, delayed, or fails. */
export function countedSource<T>(key: string, value: () => Promise<T> | T, counter: { n: number }): SourceDef<T> {
  return defineSource({
    key,
    label: `the ${key} service`,
    fetch: async () => {
      counter.n += 1;
      return value();
    },
  });
}

export function check(id: string, sources: SourceDef<unknown>[], run: CheckDefinition['run'], dependsOn: string[] = []): CheckDefinition {
  return defineCheck({
    meta: { id, title: `Title of ${id}`, area: 'erp', severity: 'high', dependsOn, sources, fixable: false, watched: false },
    run,
    explainFile: new URL('./fixtures.ts', import.meta.url),
  });
}

export const pass = (detail = 'fine'): Verdict => ({ status: 'pass', detail });
