import type { ErpTestRecords } from '../../adapters/erp/port.js';
import type { MailboxRef } from '../../adapters/imap/port.js';
import type { E2eRun } from '../context.js';
import { defineHop, firstLine, type HopBody } from '../hop.js';
import { testMessageId } from '../token.js';

/** The tag on test leads the bot may not delete (they are archived instead). */
export const TEST_LEAD_TAG = 'mailsetup-test';

/**
 * Leaves nothing behind: the test mails in the catch-all and probe mailboxes, and in the ERP the lead
 * the test mail became and its messages (deleted; archived and tagged when the bot may not delete).
 * Runs whenever a test mail was accepted, with its own deadline (the run's may be why it is here).
 */
export const cleanup = defineHop({
  id: 'cleanup',
  title: () => 'Clean up the test mails and the test lead',
  async run(run) {
    const signal = AbortSignal.timeout(15_000);
    const removed: string[] = [];
    const kept: string[] = [];
    const mails = await cleanMailboxes(run, signal);
    removed.push(`${mails.catchall} test mail(s) from ${run.catchall}`);
    if (run.probeReadable) removed.push(`${mails.probe} from the probe mailbox`);
    const erp = await cleanErp(run, signal);
    removed.push(...erp.removed);
    kept.push(...erp.kept);
    return body(removed, kept, erp.leftActive, { mailboxes: mails, erp: erp.evidence });
  },
});

async function cleanMailboxes(run: E2eRun, signal: AbortSignal): Promise<Record<MailboxRef, number>> {
  const { sent } = run.found;
  const targets: [MailboxRef, string][] = [];
  if (sent.sales) targets.push(['catchall', run.tokens.sales]);
  if (sent.wrong) targets.push(['catchall', run.tokens.wrongAddress]);
  if (run.probeReadable) targets.push(['probe', run.tokens.sales], ['probe', run.tokens.wrongAddress]);
  const counts = { catchall: 0, probe: 0 };
  for (const [mailbox, token] of targets) counts[mailbox] += await run.adapters.imap.deleteMessages(mailbox, token, signal);
  return counts;
}

interface ErpCleanup {
  removed: string[];
  kept: string[];
  /** Something is still there as it was (not even archived). */
  leftActive: boolean;
  evidence: Record<string, unknown>;
}

async function cleanErp(run: E2eRun, signal: AbortSignal): Promise<ErpCleanup> {
  const { erp } = run.adapters;
  const tokens = [run.tokens.sales, run.tokens.wrongAddress];
  const messageIds = tokens.map((t) => testMessageId(t, run.sender));
  const found = await erp.findTestRecords(messageIds, tokens, signal);
  const removed: string[] = [];
  const kept: string[] = [];
  const leadIds = found.leads.map((l) => l.id);
  const leadMessages = found.messages.filter((m) => m.model === 'crm.lead' && m.resId !== null && leadIds.includes(m.resId));
  const otherMessages = found.messages.filter((m) => !leadMessages.includes(m));
  const evidence: Record<string, unknown> = { leads: leadIds, messages: found.messages.map((m) => m.id) };
  let leftActive = false;

  if (leadIds.length > 0) {
    const deleted = await erp.deleteRecords('crm.lead', leadIds, signal);
    if (deleted.ok) {
      // Odoo deletes a document's messages with it (mail.thread.unlink).
      removed.push(`${leadList(found)}${leadMessages.length ? ` with its ${messages(leadMessages.length)}` : ''} from the ERP`);
    } else {
      evidence.deleteRefused = deleted.message;
      const archived = await erp.archiveLeads(leadIds, TEST_LEAD_TAG, signal);
      const why = `the ERP refused to delete it: ${firstLine(deleted.message)}`;
      if (archived.ok) {
        kept.push(
          `${leadList(found)}${leadMessages.length ? ` and its ${messages(leadMessages.length)}` : ''}: archived and tagged "${TEST_LEAD_TAG}" instead (${why})`,
        );
      } else {
        evidence.archiveRefused = archived.message;
        leftActive = true;
        kept.push(`${leadList(found)}: not deleted (${why}) and not archived (${firstLine(archived.message)})`);
      }
    }
  }
  if (otherMessages.length > 0) {
    const deleted = await erp.deleteRecords(
      'mail.message',
      otherMessages.map((m) => m.id),
      signal,
    );
    if (deleted.ok) removed.push(`${messages(otherMessages.length)} (${otherMessages.map((m) => `#${m.id}`).join(', ')}) from the ERP`);
    else {
      leftActive = true;
      kept.push(`${messages(otherMessages.length)} (${otherMessages.map((m) => `#${m.id}`).join(', ')}): ${firstLine(deleted.message)}`);
    }
  }
  return { removed, kept, leftActive, evidence };
}

function leadList(found: ErpTestRecords): string {
  return found.leads.map((l) => `crm.lead #${l.id} "${l.name}"`).join(', ');
}

function messages(n: number): string {
  return `${n} mail.message${n === 1 ? '' : 's'}`;
}

/** `fail` only when something is left as it was; an archived, tagged lead is out of everyone's way. */
function body(removed: string[], kept: string[], leftActive: boolean, evidence: Record<string, unknown>): HopBody {
  const detail = `Removed ${removed.join('; ')}.${kept.length ? ` Could not remove ${kept.join('; ')}.` : ''}`;
  return { status: leftActive ? 'fail' : 'pass', detail, evidence: { ...evidence, removed, kept } };
}
