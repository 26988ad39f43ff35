import type { ErpIncomingServer } from '../../adapters/erp/port.js';
import { erpIncomingServers, erpLogin } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { catchallServer, DEV_MODE, EXO_IMAP_HOSTS, listOf, MENU, sessionOf } from './shared.js';

export const erpIncomingServerCheck = defineCheck({
  meta: {
    id: 'erp-incoming-server',
    title: "The ERP's incoming mail server reads the catch-all mailbox",
    area: 'erp',
    severity: 'critical',
    dependsOn: ['erp-reachable'],
    sources: [erpIncomingServers, erpLogin],
    fixable: true,
    watched: false,
  },
  explainFile: new URL('./erp-incoming-server.md', import.meta.url),
  run(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const { servers, typeField, serverTypes } = snapshot.get(erpIncomingServers);
    const mailbox = ctx.tenant.catchallMailbox;
    // OAuth is its own server type from 16; before, a flag on an IMAP server (module microsoft_outlook).
    const oauthForm =
      major >= 16
        ? `${typeField} "outlook" (Outlook Oauth Authentication)`
        : `${typeField} "imap" with use_microsoft_outlook_service (Outlook Authentication)`;
    const expected = {
      [typeField]: major >= 16 ? 'outlook' : 'imap',
      ...(major < 16 ? { use_microsoft_outlook_service: true } : {}),
      server: EXO_IMAP_HOSTS[0],
      port: 993,
      is_ssl: true,
      user: mailbox,
      state: 'done',
      active: true,
    };
    const manual = (name: string) =>
      `${DEV_MODE} Then ${MENU.incoming} ▸ ${name}: ` +
      (major >= 16
        ? 'Server Type "Outlook Oauth Authentication" (module microsoft_outlook), '
        : 'Server Type "IMAP Server" and tick "Outlook Authentication" (module microsoft_outlook), ') +
      `Server Name ${EXO_IMAP_HOSTS[0]}, Port 993, SSL/TLS on, Username ${mailbox}; Save, click "Connect your Outlook account" ` +
      `and sign in as ${mailbox}, then click "Test & Confirm".`;
    const command = (id?: number) =>
      `fetchmail.server${id ? `(${id})` : ''}: ${typeField}=${major >= 16 ? 'outlook' : 'imap'}` +
      `${major < 16 ? ', use_microsoft_outlook_service=True' : ''}, server=${EXO_IMAP_HOSTS[0]}, port=993, is_ssl=True, user=${mailbox}; then button_confirm_login`;

    const target = catchallServer(servers, ctx.tenant);
    if (!target) {
      return {
        status: 'fail',
        detail: `No incoming mail server logs in as ${mailbox}: ${servers.length > 0 ? `the servers use ${listOf(servers.map((s) => `"${s.user ?? ''}"`))}` : 'there are no incoming servers'}, expected user ${mailbox}.`,
        observed: { servers: servers.map(overview) },
        expected,
        resource: { kind: 'fetchmail.server' },
        remediation: { manual: manual(servers[0]?.name ?? 'New'), command: command(servers[0]?.id) },
      };
    }

    const problems: string[] = [];
    const host = (target.host ?? '').toLowerCase();
    const exchange = EXO_IMAP_HOSTS.includes(host);
    const oauth = target.serverType === 'outlook' || target.useMicrosoftOutlookService === true;
    if (exchange && !oauth) {
      const missing = major >= 16 && !serverTypes.includes('outlook') ? ' (install the module microsoft_outlook to get it)' : '';
      problems.push(
        `it logs into Exchange Online with a password (${typeField} "${target.serverType}"), which Exchange Online refuses since 2022 ` +
          `(Basic auth for IMAP was switched off in October 2022), so every fetch fails with "AUTHENTICATE failed"; expected the OAuth form, ${oauthForm}${missing}`,
      );
    } else if (!oauth && target.serverType !== 'imap') {
      problems.push(`${typeField} is "${target.serverType}", expected ${oauthForm}`);
    }
    if (!exchange) problems.push(`server is "${target.host ?? ''}", expected ${EXO_IMAP_HOSTS[0]}`);
    if (target.port !== 993) problems.push(`port is ${target.port ?? 'empty'}, expected 993`);
    if (!target.isSsl) problems.push('is_ssl is False, expected True (Exchange Online IMAP needs SSL/TLS on 993)');
    if (!target.active) problems.push('the server is archived (active False), expected active');
    if (target.state !== 'done')
      problems.push(`state is "${target.state}" (not confirmed), expected "done": the fetch job skips unconfirmed servers`);

    const observed = { server: target.raw, oauth, servers: servers.map(overview), serverTypes };
    const resource = { kind: 'fetchmail.server', id: String(target.id), name: target.name };
    if (problems.length === 0) {
      return {
        status: 'pass',
        detail: `Incoming mail server "${target.name}" reads ${mailbox} on ${target.host}:993 over SSL with OAuth, and is confirmed.`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail: `Incoming mail server "${target.name}" (user ${target.user}): ${listOf(problems)}.`,
      observed,
      expected,
      resource,
      remediation: { manual: manual(target.name), command: command(target.id) },
    };
  },
});

function overview(s: ErpIncomingServer) {
  return { id: s.id, name: s.name, type: s.serverType, server: s.host, user: s.user, state: s.state, active: s.active };
}
