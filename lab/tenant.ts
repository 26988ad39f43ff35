import { randomBytes, randomUUID } from 'node:crypto';

/** The fixed facts of one simulated tenant that every lab service shares. */
export interface LabTenant {
  name: string;
  /** The company's name in the ERP. */
  company: string;
  domain: string;
  tenantId: string;
  clientId: string;
  /** Fresh per lab start, so tests can scan all output for it. */
  clientSecret: string;
  catchallMailbox: string;
  salesAlias: string;
  /** Public egress IPs the ERP is known by (in the connector when healthy). */
  erpEgressIps: string[];
  /** Loopback stand-ins: the ERP connects from here; the lab maps it to `erpEgressIps[0]`. */
  erpLoopback: string;
  /** The bot's own loopback address, mapped to an outside IP (not in the connector). */
  botLoopback: string;
  /** loopback address → public-looking IP (203.0.113.0/24) seen by the MX. */
  egressMap: Record<string, string>;
  /**
   * loopback address → the name on the TLS client certificate that host presents after STARTTLS
   * (a stand-in for the certificate itself, as `egressMap` is for the public IP); the MX matches
   * certificate-based connectors by it.
   */
  certificateMap: Record<string, string>;
  /** An outside address the bot sends test mail as. */
  outsideSender: string;
  /**
   * The other secrets of the tenant (ERP logins, the probe mailbox's password, the Teams bot's app),
   * drawn once per lab start so that a runtime scenario switch keeps every credential the config holds.
   */
  secrets: {
    erpBotPassword: string;
    erpBotApiKey: string;
    erpAdminPassword: string;
    probePassword: string;
    botAppId: string;
    botAppPassword: string;
  };
  now: number;
}

function freshSecrets(): LabTenant['secrets'] {
  return {
    erpBotPassword: `erp-pw-${randomBytes(9).toString('hex')}`,
    erpBotApiKey: randomBytes(20).toString('hex'),
    erpAdminPassword: `admin-${randomBytes(6).toString('hex')}`,
    probePassword: `lab-probe-${randomBytes(9).toString('hex')}`,
    botAppId: randomUUID(),
    botAppPassword: `lab-bot-password-${randomBytes(12).toString('hex')}`,
  };
}

/** The bot's loopback address and where outside senders appear from, shared by every tenant. */
const SHARED_EGRESS = { '127.0.0.3': '198.51.100.77', '127.0.0.1': '198.51.100.1' };

/**
 * The facts of the lab's `index`-th tenant (0-based). The first is `contoso` / `contoso.test`, as the
 * whole suite knows it; the others are `tenant-002` / `tenant-002.test`… with their own ids, and an
 * ERP that connects from its own loopback address (127.1.a.b) mapped to its own public-looking
 * egress IP (198.18.a.b, RFC 2544's range: 203.0.113.0/24 holds too few for 500 tenants).
 */
export function labTenant(now = Date.now(), index = 0): LabTenant {
  if (index === 0) {
    return {
      name: 'contoso',
      company: 'Contoso Ltd',
      domain: 'contoso.test',
      tenantId: '7e1b3c52-8d2a-4f4e-9a61-0c2d5e8f9a10',
      clientId: 'a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e1f',
      clientSecret: `lab-secret-${randomBytes(12).toString('hex')}`,
      catchallMailbox: 'erp@contoso.test',
      salesAlias: 'sales',
      erpEgressIps: ['203.0.113.10'],
      erpLoopback: '127.0.0.2',
      botLoopback: '127.0.0.3',
      egressMap: { '127.0.0.2': '203.0.113.10', ...SHARED_EGRESS },
      certificateMap: { '127.0.0.2': 'erp.contoso.test' },
      outsideSender: 'probe@outside.test',
      secrets: freshSecrets(),
      now,
    };
  }
  const name = `tenant-${String(index + 1).padStart(3, '0')}`;
  const domain = `${name}.test`;
  const hex = index.toString(16).padStart(12, '0');
  const [a, b] = [1 + Math.floor(index / 250), 1 + (index % 250)];
  const erpLoopback = `127.1.${a}.${b}`;
  const egress = `198.18.${a}.${b}`;
  return {
    name,
    company: `Tenant ${String(index + 1).padStart(3, '0')} Ltd`,
    domain,
    tenantId: `5e1b3c52-8d2a-4f4e-9a61-${hex}`,
    clientId: `c3c5e7f9-1b2d-4e6f-8a0c-${hex}`,
    clientSecret: `lab-secret-${randomBytes(12).toString('hex')}`,
    catchallMailbox: `erp@${domain}`,
    salesAlias: 'sales',
    erpEgressIps: [egress],
    erpLoopback,
    botLoopback: '127.0.0.3',
    egressMap: { [erpLoopback]: egress, ...SHARED_EGRESS },
    certificateMap: { [erpLoopback]: `erp.${domain}` },
    outsideSender: `probe-${name}@outside.test`,
    secrets: freshSecrets(),
    now,
  };
}
