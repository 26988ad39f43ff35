import { randomBytes } from 'node:crypto';

/** The fixed facts of the simulated tenant that every lab service shares. */
export interface LabTenant {
  name: string;
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
  now: number;
}

export function labTenant(now = Date.now()): LabTenant {
  return {
    name: 'contoso',
    domain: 'contoso.test',
    tenantId: '7e1b3c52-8d2a-4f4e-9a61-0c2d5e8f9a10',
    clientId: 'a3c5e7f9-1b2d-4e6f-8a0c-2e4f6a8c0e1f',
    clientSecret: `lab-secret-${randomBytes(12).toString('hex')}`,
    catchallMailbox: 'erp@contoso.test',
    salesAlias: 'sales',
    erpEgressIps: ['203.0.113.10'],
    erpLoopback: '127.0.0.2',
    botLoopback: '127.0.0.3',
    egressMap: { '127.0.0.2': '203.0.113.10', '127.0.0.3': '198.51.100.77', '127.0.0.1': '198.51.100.1' },
    certificateMap: { '127.0.0.2': 'erp.contoso.test' },
    outsideSender: 'probe@outside.test',
    now,
  };
}
