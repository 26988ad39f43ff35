import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfigFile, parseConfig } from '../../src/config/load.js';
import { redact } from '../../src/config/secret.js';

const minimalTenant = {
  name: 'contoso',
  domain: 'contoso.com',
  tenantId: 't',
  catchallMailbox: 'erp@contoso.com',
  erpEgressIps: ['203.0.113.10'],
  erp: { url: 'https://erp.contoso.com', database: 'prod', login: 'bot', password: 'env:ERP_PW', publicUrl: 'https://erp.contoso.com' },
};

function problems(raw: unknown, env: NodeJS.ProcessEnv = {}): string[] {
  try {
    parseConfig(raw, { env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('config', () => {
  it('lists every problem on its own line with the key path and an example', () => {
    const lines = problems(
      {
        tenants: [{ ...minimalTenant, domain: 'not a domain', erpEgressIps: ['999.1.1.1'], erp: { ...minimalTenant.erp, url: 'ftp:/x' } }],
      },
      { ERP_PW: 'hunter2-secret' },
    );
    expect(lines).toEqual([
      'tenants[0].domain: must be a domain name — e.g. contoso.com',
      expect.stringMatching(/^tenants\[0\]\.erpEgressIps\[0\]: .* — e\.g\. 203\.0\.113\.10 or 203\.0\.113\.0\/28$/),
      expect.stringMatching(/^tenants\[0\]\.erp\.url: .* — e\.g\. https:\/\/erp\.contoso\.com$/),
    ]);
  });

  it('says which environment variable a secret reference needs', () => {
    expect(problems({ tenants: [minimalTenant] })).toEqual([
      'tenants[0].erp.password: environment variable ERP_PW is not set — e.g. env:ERP_PASSWORD',
    ]);
  });

  it('resolves env: and file: secrets into values that never print themselves', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    writeFileSync(join(dir, 'client.secret'), 'file-secret-value-123\n');
    const config = parseConfig(
      { tenants: [{ ...minimalTenant, microsoft: { clientId: 'app', clientSecret: 'file:client.secret' } }] },
      { env: { ERP_PW: 'env-secret-value-456' }, baseDir: dir },
    );
    const t = config.tenants[0]!;
    expect(t.erp.password?.reveal()).toBe('env-secret-value-456');
    expect(t.microsoft?.clientSecret?.reveal()).toBe('file-secret-value-123');
    const printed = [JSON.stringify(config), String(t.erp.password), inspect(config, { depth: 10 })].join('\n');
    expect(printed).not.toContain('env-secret-value-456');
    expect(printed).not.toContain('file-secret-value-123');
    expect(redact('token=env-secret-value-456;')).toBe('token=[redacted];');
  });

  it('takes the standard Slack and Bot Framework env names and MAILSETUP__ paths', () => {
    const config = parseConfig(
      { tenants: [minimalTenant] },
      {
        env: {
          ERP_PW: 'pw-pw-pw',
          SLACK_BOT_TOKEN: 'xoxb-test-token',
          SLACK_SIGNING_SECRET: 'signing-secret-1',
          MicrosoftAppId: 'app-id-1',
          MicrosoftAppPassword: 'teams-password-1',
          MAILSETUP__timeouts__fetchMs: '2500',
          MAILSETUP__TENANTS__0__ERP__DATABASE: 'other',
        },
      },
    );
    expect(config.slack?.botToken.reveal()).toBe('xoxb-test-token');
    expect(config.slack?.mode).toBe('socket');
    expect(config.teams?.appId).toBe('app-id-1');
    expect(config.timeouts.fetchMs).toBe(2500);
    expect(config.tenants[0]!.erp.database).toBe('other');
  });

  it('reports a YAML syntax error with the file name, not a stack', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'mailsetup.yaml');
    writeFileSync(file, 'tenants:\n  - name: [unclosed\n');
    expect(() => loadConfigFile(file, {})).toThrow(/mailsetup\.yaml: not valid YAML/);
  });

  it('refuses an empty file with a hint about tenants', () => {
    expect(problems(null)).toEqual([expect.stringContaining('expected a mapping with a `tenants` list')]);
  });

  it('the committed example config is valid', () => {
    const config = loadConfigFile(new URL('../../mailsetup.example.yaml', import.meta.url).pathname, {
      MAILSETUP_CLIENT_SECRET: 'example-secret',
      ERP_API_KEY: 'example-api-key',
      SLACK_BOT_TOKEN: 'xoxb-example',
      SLACK_APP_TOKEN: 'xapp-example',
      SLACK_SIGNING_SECRET: 'example-signing',
    });
    expect(config.tenants[0]!.domain).toBe('contoso.com');
  });
});

describe('issued credentials', () => {
  it('scrubs access tokens and keeps only the most recent ones', async () => {
    const { Secrets } = await import('../../src/config/secret.js');
    Secrets.registerIssued('eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.first');
    expect(redact('Bearer eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.first failed')).toBe('Bearer [redacted] failed');
    for (let i = 0; i < 300; i++) Secrets.registerIssued(`token-number-${i}-xxxxxxxx`);
    expect(Secrets.issued.size).toBe(256);
    expect(redact('token-number-299-xxxxxxxx')).toBe('[redacted]');
  });
});

describe('strict config', () => {
  const env = { ERP_PW: 'hunter2-secret' };

  it('an unknown key at any level names its path and the nearest known key', () => {
    expect(
      problems(
        {
          tenants: [
            { ...minimalTenant, erpEgressIps: undefined, erpEgresIps: ['203.0.113.10'], erp: { ...minimalTenant.erp, pasword: 'x' } },
          ],
          servces: {},
          timeouts: { fetchMS: 100 },
        },
        env,
      ),
    ).toEqual(
      expect.arrayContaining([
        '`tenants[0].erpEgresIps`: not a config key — did you mean `erpEgressIps`?',
        '`tenants[0].erp.pasword`: not a config key — did you mean `password`?',
        '`servces`: not a config key — did you mean `services`?',
        '`timeouts.fetchMS`: not a config key — did you mean `fetchMs`?',
      ]),
    );
  });

  it('an unknown key with no near neighbour lists the keys that exist there', () => {
    expect(problems({ tenants: [minimalTenant], store: { colour: 'blue' } }, env)).toEqual([
      '`store.colour`: not a config key — the keys here are `path`',
    ]);
  });

  it('an unknown key inside a nested choice (imap) is refused too', () => {
    expect(problems({ tenants: [{ ...minimalTenant, imap: { auth: 'oauth', usr: 'erp' } }] }, env)).toEqual([
      '`tenants[0].imap.usr`: not a config key — did you mean `user`?',
    ]);
  });

  it('refuses two tenants with the same name or the same domain', () => {
    const other = { ...minimalTenant, name: 'fabrikam', domain: 'fabrikam.com' };
    expect(problems({ tenants: [minimalTenant, { ...other, name: 'contoso' }] }, env)).toEqual([
      'tenants[1].name: contoso is already the name of tenants[0]; each tenant needs its own name — e.g. contoso',
    ]);
    expect(problems({ tenants: [minimalTenant, { ...other, domain: 'Contoso.com' }] }, env)).toEqual([
      'tenants[1].domain: Contoso.com is already the domain of tenants[0]; each tenant needs its own domain — e.g. contoso.com',
    ]);
  });

  it('an invalid IP names the value and why', () => {
    const lines = problems(
      {
        tenants: [{ ...minimalTenant, erpEgressIps: ['203.0.113.300', '203.0.113.0/33', '2001:db8::zz', '203.0.113'] }],
        services: { sourceAddress: '127.0.0.256', dnsServers: ['1.1.1.1', '10.0.0.x:53'] },
      },
      env,
    );
    expect(lines).toEqual([
      'tenants[0].erpEgressIps[0]: 203.0.113.300 is not an IPv4 address: 300 is above 255 — e.g. 203.0.113.10 or 203.0.113.0/28',
      'tenants[0].erpEgressIps[1]: 203.0.113.0/33 is not an IPv4 range: the prefix after / must be a number from 0 to 32 — e.g. 203.0.113.10 or 203.0.113.0/28',
      'tenants[0].erpEgressIps[2]: 2001:db8::zz is not an IPv6 address: "zz" is not a group of 1 to 4 hex digits — e.g. 203.0.113.10 or 203.0.113.0/28',
      'tenants[0].erpEgressIps[3]: 203.0.113 is not an IPv4 address: it has 3 parts, an IPv4 address has 4 (e.g. 203.0.113.10) — e.g. 203.0.113.10 or 203.0.113.0/28',
      'services.dnsServers[1]: 10.0.0.x is not an IPv4 address: "x" is not a number — e.g. 1.1.1.1',
      'services.sourceAddress: 127.0.0.256 is not an IPv4 address: 256 is above 255',
    ]);
  });

  it('accepts valid IPv4, IPv6 and CIDR egress addresses and DNS servers with ports', () => {
    const config = parseConfig(
      {
        tenants: [{ ...minimalTenant, erpEgressIps: ['203.0.113.10', '203.0.113.0/28', '2001:db8::10', '2001:db8::/48'] }],
        services: { dnsServers: ['1.1.1.1', '127.0.0.1:5353', '[::1]:5353'], sourceAddress: '127.0.0.3' },
      },
      { env },
    );
    expect(config.tenants[0]!.erpEgressIps).toHaveLength(4);
    expect(config.services.dnsServers).toHaveLength(3);
  });

  it('accepts a secret of any length and warns (by key, not value) about one too short to scrub', async () => {
    const { configWarnings } = await import('../../src/config/warnings.js');
    const config = parseConfig({ tenants: [minimalTenant] }, { env: { ERP_PW: 'pw' } });
    expect(config.tenants[0]!.erp.password?.reveal()).toBe('pw');
    expect(configWarnings(config)).toEqual([
      'tenants[0].erp.password is shorter than 4 characters: it is used, but not scrubbed from logs and replies',
    ]);
  });
});
