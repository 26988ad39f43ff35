import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const tenant = {
  name: 'contoso',
  domain: 'contoso.com',
  tenantId: 't',
  catchallMailbox: 'erp@contoso.com',
  erpEgressIps: ['203.0.113.10'],
  erp: {
    url: 'https://erp.contoso.com',
    database: 'prod',
    login: 'bot',
    password: 'inline-password-1',
    publicUrl: 'https://erp.contoso.com',
  },
};

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig({ tenants: [tenant], ...raw }, { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('watch and alerts config', () => {
  it('defaults: off without a `watch` section; every 5m, e2e 1h, 16 at once, 2 min deadline; 2 failures open, 1 pass resolves', () => {
    const config = parseConfig({ tenants: [tenant] }, { env: {} });
    expect(config.watch).toEqual({ enabled: false, every: 300_000, e2eEvery: 3_600_000, concurrency: 16, deadline: 120_000 });
    expect(config.alerts).toEqual({ failuresToOpen: 2, passesToResolve: 1 });
    expect(parseConfig({ tenants: [tenant], watch: {} }, { env: {} }).watch.enabled).toBe(true);
  });

  it('takes duration strings, `off`, channels per tenant and by default; a short interval gets a shorter deadline', () => {
    const config = parseConfig(
      {
        tenants: [{ ...tenant, alerts: { slack: ['C0456EFGH'] } }],
        watch: { every: '30s', e2eEvery: 'off', concurrency: 4 },
        alerts: { failuresToOpen: 3, default: { slack: ['C0123ABCD'], teams: ['19:abc@thread.tacv2'] } },
      },
      { env: {} },
    );
    expect(config.watch).toEqual({ enabled: true, every: 30_000, e2eEvery: null, concurrency: 4, deadline: 24_000 });
    expect(config.alerts.default).toEqual({ slack: ['C0123ABCD'], teams: ['19:abc@thread.tacv2'] });
    expect(config.tenants[0]?.alerts).toEqual({ slack: ['C0456EFGH'], teams: [] });
  });

  it('says what is wrong with each key on its own line, with an example', () => {
    expect(
      problems({
        watch: { every: '5 minutes', concurrency: 0, evry: '5m' },
        alerts: { passesToResolve: 0, defualt: {} },
      }),
    ).toEqual([
      'watch.every: 5 minutes is not a duration: write a number and a unit (s, m, h, d) — e.g. 5m (30s, 5m, 1h)',
      'watch.concurrency: Too small: expected number to be >=1 — e.g. 16',
      '`watch.evry`: not a config key — did you mean `every`?',
      'alerts.passesToResolve: Too small: expected number to be >=1 — e.g. 1',
      '`alerts.defualt`: not a config key — did you mean `default`?',
    ]);
    expect(problems({ watch: { every: '1m', deadline: '2m' } })).toEqual([
      'watch.deadline: 2m is not shorter than watch.every (1m): a run must end before the next one — e.g. 2m',
    ]);
    expect(problems({ watch: { every: '0s' } })).toEqual([
      'watch.every: 0s is not a duration: write a number and a unit (s, m, h, d) — e.g. 5m (30s, 5m, 1h)',
    ]);
    expect(problems({ watch: { every: '2d' } })).toEqual(['watch.every: 2d is out of range: from 1s to 1d — e.g. 5m (30s, 5m, 1h)']);
    expect(problems({ tenants: [{ ...tenant, alerts: { slack: ['#mail-alerts'] } }] })).toEqual([
      'tenants[0].alerts.slack[0]: must be a Slack channel id (C… or G…, not the #name) — e.g. C0123ABCD (the channel id, not #name)',
    ]);
  });
});
