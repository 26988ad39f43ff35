import type { ErpIncomingServer } from '../adapters/erp/port.js';
import type { FoundMessage } from '../adapters/imap/port.js';
import type { Adapters } from '../adapters/index.js';
import { relayConnectors } from '../checks/exchange/shared/connectors.js';
import type { TenantConfig } from '../config/schema.js';
import { MailsetupError } from '../errors.js';
import { causeOfText } from '../mail/causes.js';
import { admit, E2eRateLimited, track } from './gate.js';
import { firstLine, formatSeconds, type HopBody, hopCause, runHop, sendHop, skipped } from './hops.js';
import { pollUntil } from './poll.js';
import { ipInList, senderIpFromReceived } from './received.js';
import { newToken, TEST_HEADER, testMessageId, testSubject } from './token.js';
import { DEFAULT_E2E_OPTIONS, type E2eHop, type E2eOptions, type E2eResult } from './types.js';

export interface E2eInput {
  adapters: Adapters;
  tenant: TenantConfig;
  options?: Partial<E2eOptions>;
  signal?: AbortSignal;
  /** Called with the hops so far after each hop (progress messages). */
  onProgress?: (hops: readonly E2eHop[]) => void;
  now?: () => number;
}

/**
 * Runs the end-to-end test (DESIGN §5) for one tenant, unless its limit says wait: then it throws
 * `E2eRateLimited` ("wait N s"). A call while a run is in flight joins that run.
 */
export async function runEndToEnd(input: E2eInput): Promise<E2eResult> {
  const configured = input.tenant.probe?.deliveryTimeoutSeconds;
  const options = { ...DEFAULT_E2E_OPTIONS, ...(configured ? { deliveryTimeoutMs: configured * 1000 } : {}), ...input.options };
  const clock = input.now ?? Date.now;
  const admission = admit(input.adapters, options, clock());
  if (admission.kind === 'join') return admission.run;
  if (admission.kind === 'wait') throw new E2eRateLimited(input.tenant.name, admission);
  return track(input.adapters, clock(), executeEndToEnd(input, options), clock);
}

const HOPS = {
  mxSales: 'mx-sales',
  mxWrong: 'mx-wrong-address',
  inbox: 'catchall-inbox',
  fetch: 'erp-fetch',
  lead: 'crm-lead',
  notice: 'error-notice',
  egress: 'erp-egress-ip',
  cleanup: 'cleanup',
} as const;

const UNDELIVERABLE = /^(undeliverable|undelivered|delivery status notification|returned mail|mail delivery failed|failure notice)/i;

/** The test itself, without the rate limit. Never throws for an outside failure: that is a hop's `error`. */
export async function executeEndToEnd(input: E2eInput, options: E2eOptions): Promise<E2eResult> {
  const { adapters, tenant, signal } = input;
  const sender = tenant.probe?.outsideSender;
  if (!sender) {
    throw new MailsetupError(
      'ConfigInvalid',
      `test-email needs an outside sender, and tenants[].probe.outsideSender is not set for ${tenant.name}.`,
      {
        hint: 'Add `probe: { outsideSender: probe@<a domain outside the tenant> }`, and `probe.imap` so the bot can read the error notice.',
      },
    );
  }
  const startedAt = new Date().toISOString();
  const started = performance.now();
  const tokens = { sales: newToken(), wrongAddress: newToken() };
  const salesTo = `${tenant.erp.salesAlias}@${tenant.domain}`;
  const wrongTo = `mailsetup-nobody-${tokens.wrongAddress}@${tenant.domain}`;
  const salesMessageId = testMessageId(tokens.sales, sender);
  const probeReadable = tenant.probe?.imap !== undefined;
  const catchall = tenant.catchallMailbox;
  const poll = { initialMs: options.pollInitialMs, maxMs: options.pollMaxMs, signal };

  const hops: E2eHop[] = [];
  const add = (hop: E2eHop) => {
    hops.push(hop);
    input.onProgress?.([...hops]);
    return hop;
  };
  const notReached = (blocker: E2eHop) => `Not reached: "${blocker.name}" did not pass.`;
  const sent = { sales: false, wrong: false };
  const found: { sales?: FoundMessage; wrong?: FoundMessage; notice?: FoundMessage } = {};
  let incoming: ErpIncomingServer | undefined;
  let lead: E2eResult['lead'];

  const mail = (token: string, to: string) => ({
    from: sender,
    to: [to],
    subject: testSubject(token),
    text: `This is a test mail sent by mailsetup (token ${token}) to check that mail to ${to} reaches the ERP. It is removed automatically.`,
    messageId: token === tokens.sales ? salesMessageId : testMessageId(token, sender),
    headers: { [TEST_HEADER]: token },
  });

  const names = {
    mxSales: `MX accepts mail to ${salesTo}`,
    mxWrong: 'MX accepts mail to a wrong address',
    inbox: `Catch-all inbox ${catchall}`,
    fetch: 'The ERP fetches the catch-all inbox',
    lead: 'A CRM lead with the token exists',
    notice: "The sender gets the ERP's error notice",
    egress: "The ERP's egress IP is in the connector",
  };
  const skipRest = (blocker: E2eHop, ids: (keyof typeof names)[]) => {
    for (const id of ids) add(skipped(HOPS[id], names[id], notReached(blocker)));
  };

  try {
    await legs();
  } finally {
    if (sent.sales || sent.wrong) add(await cleanUp());
  }
  return finish();

  async function legs(): Promise<void> {
    const mxSales = add(
      await runHop(HOPS.mxSales, names.mxSales, async () => {
        const result = await adapters.smtp.send(mail(tokens.sales, salesTo));
        sent.sales = result.outcome === 'accepted';
        return sendHop(result, salesTo);
      }),
    );
    if (mxSales.status !== 'pass') return skipRest(mxSales, ['mxWrong', 'inbox', 'fetch', 'lead', 'notice', 'egress']);

    add(
      await runHop(HOPS.mxWrong, names.mxWrong, async () => {
        const result = await adapters.smtp.send(mail(tokens.wrongAddress, wrongTo));
        sent.wrong = result.outcome === 'accepted';
        return sendHop(result, wrongTo);
      }),
    );

    const inbox = add(await runHop(HOPS.inbox, names.inbox, waitForCatchall));
    if (inbox.status !== 'pass') return skipRest(inbox, ['fetch', 'lead', 'notice', 'egress']);

    const fetch = add(await runHop(HOPS.fetch, names.fetch, fetchNow));
    if (fetch.status !== 'pass') return skipRest(fetch, ['lead', 'notice', 'egress']);

    add(await runHop(HOPS.lead, names.lead, findLead));
    const notice = add(await runHop(HOPS.notice, names.notice, waitForNotice));
    if (notice.status === 'pass') add(await runHop(HOPS.egress, names.egress, checkEgress));
    else add(skipped(HOPS.egress, names.egress, 'Not checked: it is read from the error notice, which did not arrive.'));
  }

  function finish(): E2eResult {
    const failed = hops.find((h) => h.id !== HOPS.cleanup && (h.status === 'fail' || h.status === 'error'));
    return {
      tenant: tenant.name,
      startedAt,
      verdict: failed ? (failed.status as 'fail' | 'error') : 'pass',
      durationMs: Math.round(performance.now() - started),
      hops,
      ...(failed ? { failedHop: { id: failed.id, name: failed.name } } : {}),
      ...(failed?.cause ? { cause: failed.cause } : {}),
      tokens,
      ...(lead ? { lead } : {}),
    };
  }

  async function waitForCatchall(): Promise<HopBody> {
    const t0 = performance.now();
    let salesAfter: number | undefined;
    let ndr: FoundMessage | undefined;
    await pollUntil(
      async () => {
        const [sales, wrong, bounce] = await Promise.all([
          found.sales ? undefined : adapters.imap.findMessage('catchall', tokens.sales, signal),
          sent.wrong && !found.wrong ? adapters.imap.findMessage('catchall', tokens.wrongAddress, signal) : undefined,
          !found.sales && probeReadable ? adapters.imap.findMessage('probe', tokens.sales, signal) : undefined,
        ]);
        if (sales && !found.sales) {
          found.sales = sales;
          salesAfter = performance.now() - t0;
        }
        if (wrong) found.wrong = wrong;
        if (!found.sales && bounce && UNDELIVERABLE.test(bounce.subject ?? '')) {
          ndr = bounce;
          return true;
        }
        if (!found.sales) return undefined;
        if (!sent.wrong || found.wrong) return true;
        // The mail to the wrong address gets a grace period once the sales mail is in.
        return performance.now() - t0 > Math.max(2_000, 2 * (salesAfter ?? 0)) ? true : undefined;
      },
      { ...poll, timeoutMs: options.deliveryTimeoutMs },
    );
    const waited = Math.round(performance.now() - t0);
    if (ndr) {
      return {
        status: 'fail',
        detail: `Exchange Online returned the test mail to ${sender} as undeliverable ("${ndr.subject}") instead of redirecting it to ${catchall}.`,
        evidence: { ndrSubject: ndr.subject, ndrFrom: ndr.from, receivedAt: ndr.receivedAt },
        cause: hopCause(
          'NDR (Undeliverable)',
          'exchange-catchall-rule',
          `Mail to ${salesTo} bounced instead of being redirected to ${catchall}. With the domain InternalRelay, an address without a mailbox is relayed to the domain's MX — Exchange Online itself — until the hop count runs out (5.4.14): the catch-all transport rule is missing, disabled, in Audit mode, or an exception caught the address.`,
          'Enable the catch-all rule in Enforce mode and check its properties (`check exchange-catchall-rule`): Enable-TransportRule -Identity "Catchall for Twenty20" -Mode Enforce.',
        ),
      };
    }
    if (!found.sales) {
      return {
        status: 'fail',
        detail: `The test mail to ${salesTo} did not arrive in ${catchall} within ${formatSeconds(options.deliveryTimeoutMs)}, and no bounce came back.`,
        evidence: { waitedMs: waited, token: tokens.sales },
        cause: hopCause(
          'not delivered',
          'exchange-catchall-rule',
          `Exchange Online accepted the mail but did not put it in ${catchall}: the catch-all rule redirects somewhere else, or delivery is delayed. A message trace for the Message-ID ${salesMessageId} shows where it went.`,
          'Check the rule (`check exchange-catchall-rule`) and run a message trace in the Exchange admin center for the test mail.',
        ),
      };
    }
    const wrongNote = !sent.wrong
      ? ''
      : found.wrong
        ? '; the mail to the wrong address arrived too'
        : `; the mail to ${wrongTo} did not (yet)`;
    return {
      status: 'pass',
      detail: `The test mail arrived in ${catchall} after ${Math.round(salesAfter ?? waited)} ms (uid ${found.sales.uid})${wrongNote}.`,
      evidence: { uid: found.sales.uid, receivedAt: found.sales.receivedAt, wrongAddressUid: found.wrong?.uid ?? null },
    };
  }

  async function fetchNow(): Promise<HopBody> {
    const { servers } = await adapters.erp.incomingServers(signal);
    incoming = pickIncoming(servers, catchall);
    if (!incoming) {
      return {
        status: 'fail',
        detail: `The ERP has no active incoming mail server for ${catchall}, so nothing fetches the catch-all inbox.`,
        evidence: { servers: servers.map((s) => ({ id: s.id, name: s.name, user: s.user, active: s.active, state: s.state })) },
        cause: hopCause(
          'no incoming server',
          'erp-incoming-server',
          `No active fetchmail.server reads ${catchall}.`,
          'Create or activate the incoming mail server (`check erp-incoming-server`).',
        ),
      };
    }
    const outcome = await adapters.erp.fetchMail(incoming.id, signal);
    const where = `"${incoming.name}" (${incoming.user ?? '?'} on ${incoming.host ?? '?'})`;
    if (!outcome.ok) {
      return {
        status: 'fail',
        detail: `The ERP's fetch on ${where} failed: ${firstLine(outcome.message)}.`,
        evidence: { serverId: incoming.id, message: outcome.message },
        cause:
          causeOfText(outcome.message, { protocol: 'imap', seenBy: 'erp' }) ??
          hopCause(
            'fetch failed',
            'erp-incoming-test',
            `The ERP could not read ${catchall}.`,
            "Run the incoming server's Test & Confirm (`check erp-incoming-test`).",
          ),
      };
    }
    const after = await adapters.imap.findMessage('catchall', tokens.sales, signal);
    if (after && !after.seen) {
      return {
        status: 'fail',
        detail: `The ERP's fetch on ${where} returned, but the test mail is still unread in ${catchall}: the ERP did not read the mailbox.`,
        evidence: { serverId: incoming.id, uid: after.uid, seen: false, returned: outcome.message },
        cause: hopCause(
          'still unread',
          'erp-incoming-test',
          "The ERP's fetch did not take the mail: Odoo 12–16 only log a failed connection in the server log, so the call itself looks fine. A password login to Exchange Online (refused since 2022) is the usual reason.",
          "Run the incoming server's Test & Confirm (`check erp-incoming-test`) and look at the ERP's log.",
        ),
      };
    }
    return {
      status: 'pass',
      detail: `The ERP fetched ${where}; the test mail is now marked read.`,
      evidence: { serverId: incoming.id, message: outcome.message },
    };
  }

  async function findLead(): Promise<HopBody> {
    const ref = await pollUntil(() => adapters.erp.findMessageByMessageId(salesMessageId, signal), {
      ...poll,
      timeoutMs: Math.min(options.deliveryTimeoutMs, 3_000),
    });
    const aliasCause = (what: string) =>
      hopCause(
        'no route',
        'erp-sales-alias',
        `${what} Odoo routes mail to ${salesTo} by the sales team's alias; without a matching alias that accepts everyone it logs "No possible route found" and drops the mail.`,
        'Check the sales team alias (`check erp-sales-alias`) and the catch-all domain (`check erp-system-params`).',
      );
    if (!ref) {
      return {
        status: 'fail',
        detail: `The ERP took the test mail but created nothing from it: no mail.message has the Message-Id ${salesMessageId}.`,
        evidence: { messageId: salesMessageId },
        cause: aliasCause('The mail was fetched but not routed.'),
      };
    }
    if (ref.model !== 'crm.lead' || ref.resId === null) {
      return {
        status: 'fail',
        detail: `The test mail became a ${ref.model ?? 'message without a record'}${ref.resId ? ` #${ref.resId}` : ''}, not a crm.lead.`,
        evidence: { messageId: salesMessageId, model: ref.model, resId: ref.resId },
        cause: aliasCause(`The mail went to ${ref.model ?? 'no model'}, not to the sales team.`),
      };
    }
    const found = await adapters.erp.readLead(ref.resId, signal);
    if (!found) {
      return {
        status: 'fail',
        detail: `mail.message ${ref.id} points at crm.lead #${ref.resId}, which does not exist (deleted?).`,
        evidence: { resId: ref.resId },
      };
    }
    lead = { id: found.id, name: found.name };
    const team = found.team ? ` in team ${found.team.name}` : ' without a sales team';
    const teamNote = found.team && found.team.name !== tenant.erp.salesTeam ? ` (expected ${tenant.erp.salesTeam})` : '';
    return {
      status: 'pass',
      detail: `crm.lead #${found.id} "${found.name}" exists${team}${teamNote}.`,
      evidence: { leadId: found.id, name: found.name, team: found.team?.name ?? null, messageId: salesMessageId },
    };
  }

  async function waitForNotice(): Promise<HopBody> {
    if (!sent.wrong) return { status: 'skip', detail: 'Not checked: the mail to the wrong address was not accepted.' };
    if (!found.wrong) {
      return {
        status: 'fail',
        detail: `The mail to ${wrongTo} never reached ${catchall}, so the ERP could not answer it.`,
        cause: hopCause(
          'not redirected',
          'exchange-catchall-rule',
          'Mail to unknown addresses of the domain must be redirected to the catch-all mailbox too.',
          'Check the catch-all rule and its exceptions (`check exchange-catchall-rule`).',
        ),
      };
    }
    if (!probeReadable) return { status: 'skip', detail: 'Not checked: no probe mailbox to read (tenants[].probe.imap).' };
    const [module] = await adapters.erp.installedModules(['fetchmail_notify_error_to_sender'], signal);
    if (module?.state !== 'installed') {
      return {
        status: 'fail',
        detail: `The ERP sends no error notice: the module fetchmail_notify_error_to_sender is ${module?.state ?? 'absent'}.`,
        evidence: { module: module ?? null },
        cause: hopCause(
          'module missing',
          'erp-notify-module',
          'Without the OCA module the ERP drops mail to unknown addresses silently.',
          'Install fetchmail_notify_error_to_sender (`explain erp-notify-module`).',
        ),
      };
    }
    if (incoming && incoming.errorNoticeTemplate === null) {
      return {
        status: 'fail',
        detail: `The incoming server "${incoming.name}" has no error notice template, so the ERP sends no notice.`,
        cause: hopCause(
          'no template',
          'erp-error-notice-template',
          'The module is installed but the server has no template set.',
          'Set "Fetchmail - error notice" on the incoming server (`check erp-error-notice-template`).',
        ),
      };
    }
    const t0 = performance.now();
    let refused: string | undefined;
    const notice = await pollUntil(
      async () => {
        const [message, failure] = await Promise.all([
          adapters.imap.findMessage('probe', tokens.wrongAddress, signal),
          failedOutgoing(tokens.wrongAddress),
        ]);
        if (message) return message;
        if (failure) {
          refused = failure;
          return null;
        }
        return undefined;
      },
      { ...poll, timeoutMs: options.deliveryTimeoutMs },
    );
    if (refused !== undefined) {
      return {
        status: 'fail',
        detail: `The ERP tried to send the error notice but its outgoing server failed: ${firstLine(refused)}.`,
        evidence: { failureReason: refused },
        cause:
          causeOfText(refused, { protocol: 'smtp', port: 25, seenBy: 'erp' }) ??
          hopCause(
            'send failed',
            'erp-outgoing-test',
            'The ERP could not send through its outgoing server.',
            "Run the outgoing server's Test Connection (`check erp-outgoing-test`).",
          ),
      };
    }
    if (!notice) {
      return {
        status: 'fail',
        detail: `No error notice for the mail to ${wrongTo} reached ${tenant.probe?.imap?.user ?? sender} within ${formatSeconds(options.deliveryTimeoutMs)}.`,
        cause: hopCause(
          'no notice',
          'erp-error-notice-template',
          'The ERP did not answer the wrong address: the template is not the "Fetchmail - error notice", or the notice was lost on its way out.',
          'Check `check erp-error-notice-template` and `check erp-outgoing-test`.',
        ),
      };
    }
    found.notice = notice;
    return {
      status: 'pass',
      detail: `"${notice.subject}" reached ${tenant.probe?.imap?.user ?? sender} after ${Math.round(performance.now() - t0)} ms.`,
      evidence: { uid: notice.uid, subject: notice.subject, from: notice.from },
    };
  }

  /** The ERP's queued mail for this token that failed to send, if any (Odoo keeps failed `mail.mail` with a reason). */
  async function failedOutgoing(token: string): Promise<string | undefined> {
    try {
      const rows = await adapters.erp.searchRead('mail.mail', [['subject', 'ilike', token]], ['state', 'failure_reason'], {
        limit: 5,
        signal,
      });
      const failed = rows.find((r) => r.state === 'exception');
      return failed ? String(failed.failure_reason ?? 'delivery failed') : undefined;
    } catch {
      // A diagnostic only: without read access to mail.mail the notice wait still works.
      return undefined;
    }
  }

  async function checkEgress(): Promise<HopBody> {
    const seen = found.notice ? senderIpFromReceived(found.notice.received) : undefined;
    if (!seen) return { status: 'skip', detail: "Not checked: the notice's Received headers name no sending IP." };
    let listed: { entry: string; where: string } | undefined;
    let compared: string;
    const configEntry = ipInList(seen.ip, tenant.erpEgressIps);
    try {
      // The connectors the ERP's relay can match, as exchange-connector-ips sees them (named one, if configured).
      const connectors = relayConnectors(await adapters.exchange.getInboundConnectors(signal), tenant.connector);
      compared =
        connectors.length > 0
          ? `the inbound connector(s) ${connectors.map((c) => `"${c.Name}"`).join(', ')}`
          : 'no enabled OnPremises connector';
      for (const c of connectors) {
        const entry = ipInList(seen.ip, c.SenderIPAddresses ?? []);
        if (entry) listed = { entry, where: `connector "${c.Name}"` };
      }
    } catch {
      compared = 'tenants[].erpEgressIps (the connectors could not be read)';
      if (configEntry) listed = { entry: configEntry, where: 'erpEgressIps' };
    }
    const configNote = configEntry ? '' : ` It is not in erpEgressIps of the bot's config (${tenant.erpEgressIps.join(', ')}); update it.`;
    if (listed) {
      return {
        status: 'pass',
        detail: `The ERP's mail reached Exchange Online from ${seen.ip}, which ${listed.where} lists (${listed.entry}).${configNote}`,
        evidence: { egressIp: seen.ip, receivedHeader: seen.header, matched: listed.entry },
      };
    }
    return {
      status: 'fail',
      detail: `The ERP's mail reached Exchange Online from ${seen.ip}, which ${compared} does not list.${configNote}`,
      evidence: { egressIp: seen.ip, receivedHeader: seen.header },
      cause: hopCause(
        'egress IP',
        'exchange-connector-ips',
        `The ERP's real public IP (${seen.ip}) is not in the connector's SenderIPAddresses, so relaying to outside recipients will be refused (5.7.64) once nothing else matches.`,
        `Add it: Set-InboundConnector -Identity <connector> -SenderIPAddresses @{Add='${seen.ip}'}`,
      ),
    };
  }

  async function cleanUp(): Promise<E2eHop> {
    // Its own deadline: the run's signal may be the reason we are here.
    const cleanupSignal = AbortSignal.timeout(15_000);
    return runHop(HOPS.cleanup, 'Clean up the test mails', async () => {
      const targets: ['catchall' | 'probe', string][] = [];
      if (sent.sales) targets.push(['catchall', tokens.sales]);
      if (sent.wrong) targets.push(['catchall', tokens.wrongAddress]);
      if (probeReadable) targets.push(['probe', tokens.sales], ['probe', tokens.wrongAddress]);
      const counts = { catchall: 0, probe: 0 };
      for (const [mailbox, token] of targets) counts[mailbox] += await adapters.imap.deleteMessages(mailbox, token, cleanupSignal);
      return {
        status: 'pass',
        detail: `Removed ${counts.catchall} test mail(s) from ${catchall}${probeReadable ? ` and ${counts.probe} from the probe mailbox` : ''}.`,
        evidence: counts,
      };
    });
  }
}

/** The incoming server that reads the catch-all mailbox: active, confirmed first. */
function pickIncoming(servers: readonly ErpIncomingServer[], mailbox: string): ErpIncomingServer | undefined {
  const candidates = servers.filter((s) => s.active && (s.user ?? '').toLowerCase() === mailbox.toLowerCase());
  return candidates.find((s) => s.state === 'done') ?? candidates[0];
}
