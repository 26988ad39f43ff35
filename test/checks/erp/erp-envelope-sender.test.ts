import { describe, expect, it } from 'vitest';
import type { ErpAliasDomains, ErpOutgoingServer } from '../../../src/adapters/erp/port.js';
import type { AcceptedDomain, InboundConnector } from '../../../src/adapters/exchange/types.js';
import type { Adapters } from '../../../src/adapters/index.js';
import { erpEnvelopeSenderCheck } from '../../../src/checks/erp/erp-envelope-sender.js';
import { runChecks } from '../../../src/engine/run.js';
import { healthyParams } from './fixtures.js';
import { config, fakeErp } from './harness.js';

const ACCEPTED: AcceptedDomain[] = [
  { Identity: 'contoso.test', DomainName: 'contoso.test', DomainType: 'InternalRelay', Default: true },
  { Identity: 'contoso.onmicrosoft.com', DomainName: 'contoso.onmicrosoft.com', DomainType: 'Authoritative', Default: false },
];

const aliasDomains = (bounceAlias: string | null, name = 'contoso.test'): ErpAliasDomains => ({
  domains: [
    { id: 1, name, catchallAlias: 'erp', bounceAlias, defaultFrom: 'notifications', raw: { id: 1, name, bounce_alias: bounceAlias } },
  ],
  companies: [{ id: 1, name: 'Contoso Ltd', aliasDomainId: 1 }],
});

const server = (smtpAuthentication: string | null = 'login'): ErpOutgoingServer => ({
  id: 1,
  name: 'Exchange Online',
  smtpHost: 'contoso-test.mail.protection.outlook.com',
  smtpPort: 25,
  smtpEncryption: 'starttls',
  smtpUser: null,
  smtpAuthentication,
  active: true,
  sequence: 10,
  fromFilter: 'contoso.test',
  raw: {},
});

const certificateConnector = (name: string) =>
  ({
    Identity: 'ERP relay',
    Name: 'ERP relay',
    Enabled: true,
    ConnectorType: 'OnPremises',
    SenderIPAddresses: [],
    TlsSenderCertificateName: name,
  }) as unknown as InboundConnector;

interface World {
  accepted?: AcceptedDomain[];
  servers?: ErpOutgoingServer[];
  connectors?: InboundConnector[];
}

async function run(params: Record<string, string | null>, major = 16, domains: ErpAliasDomains | null = null, world: World = {}) {
  const erp = fakeErp(
    { systemParams: async () => params, aliasDomains: async () => domains, outgoingServers: async () => world.servers ?? [server()] },
    major,
  );
  const exchange = { getAcceptedDomains: async () => world.accepted ?? ACCEPTED, getInboundConnectors: async () => world.connectors ?? [] };
  const report = await runChecks({
    checks: [erpEnvelopeSenderCheck],
    catalogue: [erpEnvelopeSenderCheck],
    adapters: { erp, exchange } as unknown as Adapters,
    tenant: config.tenants[0]!,
    services: config.services,
    timeouts: config.timeouts,
  });
  return report.checks[0]!;
}

describe('erp-envelope-sender', () => {
  it('16: passes with mail.bounce.alias @ mail.catchall.domain in an accepted domain', async () => {
    const result = await run({ ...healthyParams, 'mail.bounce.alias': 'bounce' });
    expect(result.status).toBe('pass');
    expect(result.observed).toMatchObject({ envelopeSender: 'bounce@contoso.test', basis: 'mail.bounce.alias@mail.catchall.domain' });
  });

  it('16: an unset bounce alias is postmaster-odoo, as Odoo does', async () => {
    const result = await run({ ...healthyParams, 'mail.bounce.alias': null });
    expect(result.status).toBe('pass');
    expect(result.observed).toMatchObject({ envelopeSender: 'postmaster-odoo@contoso.test' });
  });

  it('16: a catch-all domain outside the accepted domains fails with the 5.7.64 relay cause', async () => {
    const result = await run({ ...healthyParams, 'mail.catchall.domain': 'erp-hosting.example', 'mail.bounce.alias': 'bounce' });
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/envelope sender bounce@erp-hosting\.example, and erp-hosting\.example is not an accepted domain/);
    expect(result.detail).toMatch(/550 5\.7\.64 TenantAttribution; Relay Access Denied/);
    expect(result.cause).toMatchObject({ code: '5.7.64 envelope sender', checkId: 'erp-envelope-sender' });
    expect(result.remediation?.manual).toMatch(/mail\.catchall\.domain = contoso\.test and mail\.bounce\.alias = bounce/);
  });

  it("17: reads the company's alias domain (bounce_email), not the stale parameters", async () => {
    const stale = { ...healthyParams, 'mail.catchall.domain': 'old-erp.contoso.test' };
    const result = await run(stale, 17, aliasDomains('bounce'));
    expect(result.status).toBe('pass');
    expect(result.observed).toMatchObject({ envelopeSender: 'bounce@contoso.test', basis: 'mail.alias.domain.bounce_email' });
    const foreign = await run(healthyParams, 17, aliasDomains('bounce', 'erp-hosting.example'));
    expect(foreign.status).toBe('fail');
    expect(foreign.observed).toMatchObject({ envelopeSender: 'bounce@erp-hosting.example' });
  });

  it('17: no bounce alias means the From address is the envelope sender, which fails for outside authors', async () => {
    const result = await run(healthyParams, 17, aliasDomains(''));
    expect(result.status).toBe('fail');
    expect(result.detail).toMatch(/no bounce address \(the company's alias domain has no Bounce Alias\).*each mail's own From address/);
    expect(result.cause?.checkId).toBe('erp-envelope-sender');
  });

  it('a subdomain counts only when the accepted domain matches subdomains', async () => {
    const params = { ...healthyParams, 'mail.catchall.domain': 'erp.contoso.test', 'mail.bounce.alias': 'bounce' };
    expect((await run(params)).status).toBe('fail');
    const withSub = [{ ...ACCEPTED[0]!, MatchSubDomains: true } as AcceptedDomain];
    expect((await run(params, 16, null, { accepted: withSub })).status).toBe('pass');
  });

  it('a certificate the ERP presents, naming an accepted domain in a connector, attributes the relay whatever the envelope sender', async () => {
    const foreign = { ...healthyParams, 'mail.catchall.domain': 'erp-hosting.example', 'mail.bounce.alias': 'bounce' };
    const connectors = [certificateConnector('*.contoso.test')];
    const result = await run(foreign, 16, null, { servers: [server('certificate')], connectors });
    expect(result.status).toBe('pass');
    expect(result.detail).toMatch(
      /authenticates to Exchange Online with a certificate and the connector ERP relay expects \*\.contoso\.test/,
    );
    // Without presenting it, the connector's certificate name does not help.
    expect((await run(foreign, 16, null, { servers: [server('login')], connectors })).status).toBe('fail');
    expect(
      (await run(foreign, 16, null, { servers: [server('certificate')], connectors: [certificateConnector('erp-hosting.example')] }))
        .status,
    ).toBe('fail');
  });
});
