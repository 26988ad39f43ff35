import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/config/load.js';

const tenant = (name: string, domain: string) => ({
  name,
  domain,
  tenantId: 't',
  catchallMailbox: `erp@${domain}`,
  erpEgressIps: ['203.0.113.10'],
  erp: { url: `https://erp.${domain}`, database: 'prod', login: 'bot', password: 'inline-pw', publicUrl: `https://erp.${domain}` },
});

function problems(raw: Record<string, unknown>): string[] {
  try {
    parseConfig({ tenants: [tenant('contoso', 'contoso.com')], ...raw }, { env: {} });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('approvals and access in the config', () => {
  it('defaults to no approvers, one approval, 30 minutes, anyone may ask, no access section', () => {
    const config = parseConfig({ tenants: [tenant('contoso', 'contoso.com')] }, { env: {} });
    expect(config.approvals).toEqual({ approvers: [], required: 1, expiresMinutes: 30 });
    expect(config.access).toBeUndefined();
  });

  it('reads approvers, requesters, channels and personal-chat users', () => {
    const config = parseConfig(
      {
        tenants: [tenant('contoso', 'contoso.com'), tenant('fabrikam', 'fabrikam.com')],
        approvals: {
          approvers: ['slack:U0LABBOB01', 'slack:S0LABOPS1', 'teams:4b7f2b8e-1c1d-4e57-9a3e-0d6f7c5a1e22'],
          required: 2,
          expiresMinutes: 10,
          requesters: ['slack:U0LABADA01'],
        },
        access: {
          channels: [{ id: 'C0LABOPS01', tenants: ['contoso'] }],
          users: [{ id: 'slack:U0LABADA01', tenants: ['contoso', 'fabrikam'] }],
        },
      },
      { env: {} },
    );
    expect(config.approvals.required).toBe(2);
    expect(config.approvals.requesters).toEqual(['slack:U0LABADA01']);
    expect(config.access?.channels).toEqual([{ id: 'C0LABOPS01', tenants: ['contoso'] }]);
  });

  it('names a malformed approver, an unknown key and a tenant the config does not have, with examples', () => {
    const lines = problems({
      approvals: { approvers: ['U0LABBOB01'], required: 0, expiresAfter: 5 },
      access: { channels: [{ id: 'C0LABOPS01', tenants: ['fabrikam'] }] },
    });
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^approvals\.approvers\[0\]: must be slack:<user or user-group id> or teams:<Entra object id> — e\.g\. slack:U0123ABCD/,
        ),
        expect.stringMatching(/^approvals\.required: .* — e\.g\. 1$/),
        expect.stringMatching(/^`approvals\.expiresAfter`: not a config key/),
        expect.stringMatching(/^access\.channels\[0\]\.tenants\[0\]: fabrikam is not a tenant in this config \(tenants: contoso\)/),
      ]),
    );
  });
});
