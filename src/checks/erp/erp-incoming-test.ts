import type { ErpActionOutcome, ErpIncomingServer } from '../../adapters/erp/port.js';
import { type ErpLoginResult, erpIncomingServers, erpLogin } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import type { MappedCause } from '../../engine/result.js';
import { defineSource } from '../../engine/source.js';
import { mapCause } from '../../mail/causes.js';
import { catchallServer, DEV_MODE, MENU, oneLine } from './shared.js';

export type IncomingTestResult =
  | { status: 'no-server' }
  /** Draft: "Test & Confirm" would confirm it (a change), so the bot does not press it. */
  | { status: 'not-confirmed'; server: ErpIncomingServer }
  | { status: 'tested'; server: ErpIncomingServer; outcome: ErpActionOutcome };

/**
 * The ERP's own "Test & Confirm" (`button_confirm_login`) on the server reading the catch-all
 * mailbox: the ERP logs into IMAP itself. Pressed only on a confirmed server, where it changes nothing.
 */
export const erpIncomingTest = defineSource<IncomingTestResult>({
  key: 'erp.incoming-test',
  label: "the ERP's Test & Confirm",
  timeoutMs: 45_000,
  fetch: async (ctx) => {
    const { servers } = await ctx.get(erpIncomingServers);
    const server = catchallServer(servers, ctx.tenant);
    if (!server?.active) return { status: 'no-server' };
    if (server.state !== 'done') return { status: 'not-confirmed', server };
    return { status: 'tested', server, outcome: await ctx.adapters.erp.testIncomingServer(server.id, ctx.signal) };
  },
});

export const erpIncomingTestCheck = defineCheck({
  meta: {
    id: 'erp-incoming-test',
    title: "The ERP's own Test & Confirm of its incoming mail server passes",
    area: 'erp',
    severity: 'critical',
    dependsOn: ['erp-reachable'],
    sources: [erpIncomingTest, erpLogin],
    fixable: true,
    watched: true,
  },
  explainFile: new URL('./erp-incoming-test.md', import.meta.url),
  run(snapshot, ctx) {
    const result = snapshot.get(erpIncomingTest);
    const mailbox = ctx.tenant.catchallMailbox;
    const expected = { testAndConfirm: 'succeeds (the ERP logs into the catch-all mailbox)', state: 'done' };
    if (result.status === 'no-server') {
      return {
        status: 'fail',
        detail: `No active incoming mail server in the ERP logs in as ${mailbox}, so nothing fetches the catch-all mailbox and there is nothing to test.`,
        observed: { server: null },
        expected,
        resource: { kind: 'fetchmail.server' },
        remediation: { manual: `${DEV_MODE} Then ${MENU.incoming}: create the server (see erp-incoming-server) and click Test & Confirm.` },
      };
    }
    const { server } = result;
    const where = `"${server.name}" (${server.serverType}, ${server.host ?? '?'}:${server.port ?? '?'}, user ${server.user ?? '?'})`;
    const resource = { kind: 'fetchmail.server', id: String(server.id), name: server.name };
    const base = {
      server: server.name,
      serverType: server.serverType,
      host: server.host,
      port: server.port,
      user: server.user,
      state: server.state,
    };
    const pressIt = `${DEV_MODE} Then ${MENU.incoming} ▸ ${server.name} ▸ Test & Confirm.`;
    if (result.status === 'not-confirmed') {
      return {
        status: 'fail',
        detail: `The incoming mail server ${where} is not confirmed (state ${server.state}, expected done): the ERP's fetch skips it. The bot did not press Test & Confirm, since that would confirm it.`,
        observed: base,
        expected,
        resource,
        remediation: { manual: pressIt, command: `fetchmail.server(${server.id}).button_confirm_login()` },
      };
    }
    const { outcome } = result;
    const observed = { ...base, erpMessage: outcome.message };
    if (outcome.ok) {
      return {
        status: 'pass',
        detail: `The ERP's Test & Confirm on ${where} succeeded: the ERP logs into ${mailbox}.`,
        observed,
        expected,
        resource,
      };
    }
    const cause = causeOf(outcome.message, server, erpMajor(snapshot.tryGet(erpLogin)));
    return {
      status: 'fail',
      detail: `The ERP's Test & Confirm on ${where} failed: "${oneLine(outcome.message)}".${cause ? ` ${cause.explanation}` : ''}`,
      observed,
      expected,
      resource,
      cause,
      remediation: {
        manual: cause
          ? `${cause.fix} ${pressIt}`
          : `Read the ERP's message above and check the server's host, port and SSL (${mailbox} at outlook.office365.com:993, SSL). ${pressIt}`,
        command: `fetchmail.server(${server.id}).button_confirm_login()`,
      },
    };
  },
});

/** An OAuth server whose token is refused needs a new consent; a password server needs OAuth. */
function causeOf(message: string, server: ErpIncomingServer, erpVersion: number | undefined): MappedCause | undefined {
  const cause = mapCause({ text: message, protocol: 'imap', seenBy: 'erp', erpVersion });
  const oauth = server.serverType === 'outlook' || server.useMicrosoftOutlookService === true;
  if (!cause || !oauth || !/AUTHENTICATE failed|LOGIN failed/i.test(message)) return cause;
  return {
    ...cause,
    explanation:
      "Exchange Online refused the ERP's Outlook OAuth token: the consent was revoked, the refresh token expired, or the client secret in the ERP's settings expired.",
    fix: 'In the ERP, open the incoming server and click "Connect your Outlook account" again (a browser sign-in as the catch-all mailbox); renew the client secret under Settings ▸ General Settings ▸ Outlook Credentials if it expired.',
  };
}

function erpMajor(login: ErpLoginResult | undefined): number | undefined {
  if (!login) return undefined;
  return login.ok ? login.session.version.major : login.version.major;
}
