import type { ErpIncomingServer, ErpIncomingServers, ErpOutgoingServer, ErpSalesTeam } from '../../../src/adapters/erp/port.js';

/** Healthy records as the adapter normalises them (16 unless said otherwise). */

export function outgoing(change: Partial<ErpOutgoingServer> = {}): ErpOutgoingServer {
  const server: ErpOutgoingServer = {
    id: 1,
    name: 'Exchange Online',
    smtpHost: 'contoso-test.mail.protection.outlook.com',
    smtpPort: 25,
    smtpEncryption: 'starttls',
    smtpUser: null,
    smtpAuthentication: 'login',
    active: true,
    sequence: 10,
    fromFilter: 'contoso.test',
    raw: {},
    ...change,
  };
  server.raw = {
    id: server.id,
    name: server.name,
    smtp_host: server.smtpHost,
    smtp_port: server.smtpPort,
    smtp_encryption: server.smtpEncryption,
    smtp_user: server.smtpUser ?? false,
    from_filter: server.fromFilter ?? false,
    sequence: server.sequence,
    active: server.active,
  };
  return server;
}

export function incomingServer(change: Partial<ErpIncomingServer> = {}): ErpIncomingServer {
  const server: ErpIncomingServer = {
    id: 1,
    name: 'Catch-all',
    serverType: 'outlook',
    host: 'outlook.office365.com',
    port: 993,
    isSsl: true,
    user: 'erp@contoso.test',
    state: 'done',
    active: true,
    useMicrosoftOutlookService: null,
    errorNoticeTemplate: { id: 30, name: 'Fetchmail - error notice' },
    lastFetch: null,
    errorMessage: null,
    raw: {},
    ...change,
  };
  server.raw = {
    id: server.id,
    name: server.name,
    server_type: server.serverType,
    server: server.host,
    port: server.port,
    user: server.user,
    state: server.state,
  };
  return server;
}

export function incoming(servers: ErpIncomingServer[] = [incomingServer()], change: Partial<ErpIncomingServers> = {}): ErpIncomingServers {
  return { servers, typeField: 'server_type', serverTypes: ['pop', 'imap', 'local', 'outlook'], hasErrorNoticeField: true, ...change };
}

export function team(change: Partial<ErpSalesTeam> = {}): ErpSalesTeam {
  const t: ErpSalesTeam = {
    id: 1,
    name: 'Sales',
    aliasName: 'sales',
    aliasContact: 'everyone',
    aliasStatus: 'valid',
    aliasDomain: null,
    raw: {},
    ...change,
  };
  t.raw = { id: t.id, name: t.name, alias_name: t.aliasName ?? false, alias_contact: t.aliasContact, alias_status: t.aliasStatus };
  return t;
}

export const healthyParams = {
  'web.base.url': 'https://erp.contoso.test',
  'web.base.url.freeze': 'True',
  'mail.catchall.domain': 'contoso.test',
  'mail.catchall.alias': 'erp',
  'mail.default.from': 'notifications',
};
