import { erpLogin, erpOutgoingServers } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { DEV_MODE, EXO_MX_SUFFIX, expectedMxHost, listOf, MENU, serverUsedFor, sessionOf, splitFilter } from './shared.js';

const STARTTLS = ['starttls', 'starttls_strict'];

export const erpOutgoingServerCheck = defineCheck({
  meta: {
    id: 'erp-outgoing-server',
    title: "The ERP's outgoing mail server relays through Exchange Online",
    area: 'erp',
    severity: 'high',
    dependsOn: ['erp-reachable'],
    sources: [erpOutgoingServers, erpLogin],
    fixable: true,
    watched: false,
  },
  explainFile: new URL('./erp-outgoing-server.md', import.meta.url),
  run(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const servers = snapshot.get(erpOutgoingServers);
    const domain = ctx.tenant.domain.toLowerCase();
    const mxHost = expectedMxHost(domain);
    const hasFromFilter = major >= 15;
    const expected = {
      smtp_host: `*${EXO_MX_SUFFIX} (e.g. ${mxHost})`,
      smtp_port: 25,
      smtp_encryption: 'starttls',
      smtp_user: false,
      active: true,
      firstFor: `mail from @${domain}`,
      ...(hasFromFilter ? { from_filter: domain } : {}),
    };
    const overview = servers.map((s) => ({ id: s.id, name: s.name, smtp_host: s.smtpHost, sequence: s.sequence, active: s.active }));
    const manual = (name: string) =>
      `${DEV_MODE} Then ${MENU.outgoing} ▸ ${name}: SMTP Server ${mxHost}, SMTP Port 25, Connection Encryption TLS (STARTTLS), ` +
      `Username and Password empty${hasFromFilter ? `, FROM Filtering ${domain}` : ''}, Priority lower than every other server; ` +
      'Save, then click Test Connection.';
    const command = (id?: number) =>
      `ir.mail_server${id ? `(${id})` : ''}: smtp_host=${mxHost}, smtp_port=25, smtp_encryption=starttls, smtp_user=False` +
      `${hasFromFilter ? `, from_filter=${domain}` : ''}, active=True, sequence=1`;

    const exchange = servers.filter((s) => s.smtpHost.toLowerCase().endsWith(EXO_MX_SUFFIX));
    const target = exchange.find((s) => s.active) ?? exchange[0];
    if (!target) {
      return {
        status: 'fail',
        detail:
          `No outgoing mail server points at Exchange Online: smtp_host is ${servers.length > 0 ? listOf(servers.map((s) => `"${s.smtpHost}"`)) : 'not set (there are no servers)'}, ` +
          `expected the tenant's MX host ${mxHost}.`,
        observed: { servers: overview },
        expected,
        resource: { kind: 'ir.mail_server' },
        remediation: { manual: manual(servers[0]?.name ?? 'New'), command: command(servers[0]?.id) },
      };
    }

    const problems: string[] = [];
    const soft: string[] = [];
    if (target.smtpPort !== 25) problems.push(`smtp_port is ${target.smtpPort}, expected 25 (the MX accepts relay on 25 only)`);
    if (!STARTTLS.includes(target.smtpEncryption)) problems.push(`smtp_encryption is "${target.smtpEncryption}", expected "starttls"`);
    if (target.smtpUser) problems.push(`smtp_user is "${target.smtpUser}", expected empty (the connector relays by IP, without a login)`);
    if (!target.active) problems.push('the server is archived (active False), expected active');
    const picked = serverUsedFor(servers, domain, major);
    if (target.active && picked && picked.id !== target.id) {
      problems.push(
        `"${picked.name}" (sequence ${picked.sequence}) is used before it for mail from @${domain}, expected this server first`,
      );
    }
    if (hasFromFilter) {
      const filters = splitFilter(target.fromFilter);
      if (filters.length === 0) {
        problems.push(
          `from_filter is empty, expected "${domain}" (anything else lets the ERP send as any domain, which Exchange and DMARC reject)`,
        );
      } else if (!filters.includes(domain)) {
        if (filters.some((f) => f.endsWith(`@${domain}`))) {
          soft.push(
            `from_filter is "${target.fromFilter}", an address: mail from other @${domain} senders is rewritten to the default From`,
          );
        } else problems.push(`from_filter is "${target.fromFilter}", expected "${domain}"`);
      }
    }
    const observed = { server: target.raw, usedFirstFor: picked ? { id: picked.id, name: picked.name } : null, servers: overview };
    const resource = { kind: 'ir.mail_server', id: String(target.id), name: target.name };
    if (problems.length === 0 && soft.length === 0) {
      return {
        status: 'pass',
        detail: `Outgoing mail server "${target.name}" relays through ${target.smtpHost}:25 with STARTTLS, no login${hasFromFilter ? `, from_filter ${domain}` : ''}, and is used first.`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: problems.length > 0 ? 'fail' : 'warn',
      detail: `Outgoing mail server "${target.name}" (${target.smtpHost}): ${listOf([...problems, ...soft])}.`,
      observed,
      expected,
      resource,
      remediation: { manual: manual(target.name), command: command(target.id) },
    };
  },
});
