import { exchangeMxHost } from '../dns/state.js';
import type { LabRawConfig, LabServiceStarter } from '../service.js';
import type { LabState } from '../state.js';
import { type LabTenants, labTenantsOf } from '../tenants.js';
import { labTls } from '../tls.js';
import { createErpMailOps } from './erp-mail-ops.js';
import { startImapHost } from './imap.js';
import { startMx } from './mx.js';

/** Exchange Online's IMAP host names (Odoo's `outlook` server type fills in `imap.outlook.com`). */
export const EXCHANGE_IMAP_HOSTS = ['outlook.office365.com', 'imap.outlook.com'];
/** The probe mailbox's provider. */
export const OUTSIDE_IMAP_HOST = 'imap.outside.test';

/**
 * Starts the tenant's MX, Exchange Online's IMAP and the outside world's IMAP (the probe mailbox),
 * registers their host names for the lab ERP (`state.hosts`, `name:port` → loopback port), gives
 * the ERP real SMTP/IMAP (`state.mailOps`), and points the bot's config at them.
 */
export const startMailLab: LabServiceStarter = async (lab, config) => {
  const tenants = labTenantsOf(lab);
  const state = tenants.first;
  const tls = labTls();
  const keys = { key: tls.keyPem, cert: tls.certPem };
  const exchangeImap = await startImapHost({ tenants, host: 'exchange', ...keys });
  const outsideImap = await startImapHost({ tenants, host: 'outside', ...keys });
  const imapHosts = { exchange: exchangeImap, outside: outsideImap };
  const mx = await startMx({
    tenants,
    ...keys,
    delivered: (owner, box, message) => imapHosts[box.host].announce(owner, box, message),
  });

  const at = (port: number) => ({ host: '127.0.0.1', port });
  // The host table is the lab's (every tenant's state shares it).
  for (const name of mxHostNames(tenants)) register(state, name, 25, at(mx.port));
  for (const name of EXCHANGE_IMAP_HOSTS) register(state, name, 993, at(exchangeImap.port));
  register(state, OUTSIDE_IMAP_HOST, 993, at(outsideImap.port));
  for (const tenant of tenants.all) {
    tenant.mailOps = createErpMailOps(tenant, tls.caPem);
    writeConfig(tenant, config, at(mx.port), at(exchangeImap.port), at(outsideImap.port));
  }
  // A scenario switch may point the domain's MX at another protection host.
  tenants.onChange(() => {
    for (const name of mxHostNames(tenants)) register(state, name, 25, at(mx.port));
  });

  return {
    name: 'mail',
    stop: async () => {
      await Promise.allSettled([mx.stop(), exchangeImap.stop(), outsideImap.stop()]);
    },
  };
};

function register(state: LabState, name: string, port: number, endpoint: { host: string; port: number }): void {
  state.hosts[name] = endpoint;
  state.hosts[`${name}:${port}`] = endpoint;
}

/** Each tenant's Exchange MX host, and any other `*.mail.protection.outlook.com` the lab DNS serves. */
function mxHostNames(tenants: LabTenants): string[] {
  const names = new Set<string>();
  for (const state of tenants.all) {
    names.add(exchangeMxHost(state.tenant.domain));
    for (const records of Object.values(state.dns.records)) {
      for (const r of records)
        if (r.type === 'MX' && r.exchange.endsWith('.mail.protection.outlook.com')) names.add(r.exchange.toLowerCase());
    }
  }
  return [...names];
}

type Endpoint = { host: string; port: number };

function writeConfig(state: LabState, config: LabRawConfig, mx: Endpoint, imap: Endpoint, outside: Endpoint): void {
  config.services.mx = mx;
  config.services.imap = imap;
  const tenant = config.tenants.find((t) => t.name === state.tenant.name) ?? (config.tenants.length === 1 ? config.tenants[0] : undefined);
  if (!tenant) return;
  const probe = (tenant.probe ?? {}) as Record<string, unknown>;
  tenant.probe = {
    ...probe,
    mailbox: state.mail.probe.address,
    imap: { ...outside, user: state.mail.probe.address, password: state.mail.probe.password, secure: true },
  };
}
