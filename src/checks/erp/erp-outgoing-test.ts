import type { ErpActionOutcome, ErpOutgoingServer } from '../../adapters/erp/port.js';
import { erpOutgoingServers } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { defineSource } from '../../engine/source.js';
import { mapCause } from '../../mail/causes.js';
import { activeBySequence, DEV_MODE, expectedMxHost, MENU, oneLine, splitFilter } from './shared.js';

/**
 * The server the ERP sends with: active, lowest sequence; one filtered for the domain before an
 * unfiltered one. Looser than `serverUsedFor` (any filter entry ending in the domain, on every
 * version): it only picks which server to press Test Connection on.
 */
export function sendingServer(servers: readonly ErpOutgoingServer[], domain: string): ErpOutgoingServer | undefined {
  const active = activeBySequence(servers);
  const d = domain.toLowerCase();
  const filtered = active.find((s) => splitFilter(s.fromFilter).some((f) => f.endsWith(d)));
  return filtered ?? active.find((s) => !s.fromFilter) ?? active[0];
}

export type OutgoingTestResult = { server: null } | { server: ErpOutgoingServer; outcome: ErpActionOutcome };

/**
 * The ERP's own "Test Connection" (`test_smtp_connection`) on the server it sends with: the ERP
 * opens SMTP from its own address — MAIL FROM, RCPT TO noreply@odoo.com, DATA — and reports.
 * Success on 12–13 arrives as a "Connection Test Succeeded!" error; the adapter counts it as success.
 */
export const erpOutgoingTest = defineSource<OutgoingTestResult>({
  key: 'erp.outgoing-test',
  label: "the ERP's Test Connection",
  // The ERP waits for its SMTP peer itself (a blocked port 25 takes Odoo up to a minute).
  timeoutMs: 45_000,
  fetch: async (ctx) => {
    const server = sendingServer(await ctx.get(erpOutgoingServers), ctx.tenant.domain);
    if (!server) return { server: null };
    return { server, outcome: await ctx.adapters.erp.testOutgoingServer(server.id, ctx.signal) };
  },
});

export const erpOutgoingTestCheck = defineCheck({
  meta: {
    id: 'erp-outgoing-test',
    title: "The ERP's own Test Connection of its outgoing mail server passes",
    area: 'erp',
    severity: 'critical',
    dependsOn: ['erp-reachable'],
    sources: [erpOutgoingTest],
    fixable: false,
    watched: true,
  },
  explainFile: new URL('./erp-outgoing-test.md', import.meta.url),
  run(snapshot, ctx) {
    const result = snapshot.get(erpOutgoingTest);
    const expected = { testConnection: 'succeeds (the MX answers 354 to DATA)' };
    if (!result.server) {
      return {
        status: 'fail',
        detail:
          'The ERP has no active outgoing mail server, so it cannot send mail and there is nothing to test; expected one relaying through Exchange Online.',
        observed: { activeServers: 0 },
        expected,
        resource: { kind: 'ir.mail_server' },
        remediation: {
          manual: `${DEV_MODE} Then ${MENU.outgoing}: create the server (see erp-outgoing-server) and click Test Connection.`,
        },
      };
    }
    const { server, outcome } = result;
    const where = `"${server.name}" (${server.smtpHost}:${server.smtpPort}, ${server.smtpEncryption})`;
    const observed = {
      server: server.name,
      smtpHost: server.smtpHost,
      smtpPort: server.smtpPort,
      smtpEncryption: server.smtpEncryption,
      erpMessage: outcome.message,
    };
    const resource = { kind: 'ir.mail_server', id: String(server.id), name: server.name };
    if (outcome.ok) {
      return {
        status: 'pass',
        detail: `The ERP's Test Connection on ${where} succeeded: "${firstLine(outcome.message)}".`,
        observed,
        expected,
        resource,
      };
    }
    const cause = mapCause({
      text: outcome.message,
      protocol: 'smtp',
      port: server.smtpPort,
      seenBy: 'erp',
      known: {
        connector: ctx.tenant.connector,
        egressIps: ctx.tenant.erpEgressIps,
        domain: ctx.tenant.domain,
        mxHost: expectedMxHost(ctx.tenant.domain),
      },
    });
    // The report adds the cause (or points at the failing check it follows from).
    return {
      status: 'fail',
      detail: `The ERP's Test Connection on ${where} failed: "${oneLine(outcome.message)}".`,
      observed,
      expected,
      resource,
      cause,
      remediation: {
        manual: cause
          ? `${cause.fix} Then, in the ERP, ${MENU.outgoing} ▸ ${server.name} ▸ Test Connection.`
          : `Read the ERP's message above; check ${MENU.outgoing} ▸ ${server.name} (host, port 25, STARTTLS, no login) and that the ERP host may open port 25, then click Test Connection.`,
        command: `${MENU.outgoing} ▸ ${server.name} ▸ Test Connection (ir.mail_server(${server.id}).test_smtp_connection())`,
      },
    };
  },
});

const firstLine = (text: string) => text.split('\n')[0]?.trim() ?? '';
