import type { ErpTestRecords } from '../../adapters/erp/port.js';
import type { MailboxRef } from '../../adapters/imap/port.js';
import { isMailsetupError } from '../../errors.js';
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
    // Each place on its own: a mailbox the bot cannot open does not keep the lead in the CRM.
    const mails = await cleanMailboxes(run, signal);
    removed.push(...mails.removed);
    kept.push(...mails.kept);
    if (run.found.sent.sales && !run.found.sales && !run.found.bounced) {
      kept.push(
        `the test mail to ${run.salesTo}, which never reached ${run.catchall} and did not bounce: it is wherever Exchange Online delivered it (a message trace for ${run.salesMessageId} finds it)`,
      );
    }
    // Before the bot's fetch the test mails were in the catch-all only, and that was just emptied.
    const erp = run.found.fetchAsked ? await attempt(() => cleanErp(run, signal)) : ({ ok: true, value: NOTHING } as const);
    if (erp.ok) {
      removed.push(...erp.value.removed);
      kept.push(...erp.value.kept);
    } else kept.push(`whatever the test left in the ERP (${erp.message})`);
    const archived = erp.ok ? erp.value.archived : [];
    return body(removed, archived, kept, { mailboxes: mails.counts, ...(erp.ok ? { erp: erp.value.evidence } : {}) });
  },
});

async function cleanMailboxes(run: E2eRun, signal: AbortSignal) {
  const { sent } = run.found;
  const tokens: Record<MailboxRef, string[]> = {
    catchall: [...(sent.sales ? [run.tokens.sales] : []), ...(sent.wrong ? [run.tokens.wrongAddress] : [])],
    probe: run.probeReadable ? [run.tokens.sales, run.tokens.wrongAddress] : [],
  };
  const names: Record<MailboxRef, string> = {
    catchall: run.catchall,
    probe: `the probe mailbox ${run.tenant.probe?.imap?.user ?? ''}`.trim(),
  };
  const counts: Partial<Record<MailboxRef, number>> = {};
  const removed: string[] = [];
  const kept: string[] = [];
  for (const mailbox of ['catchall', 'probe'] as const) {
    if (tokens[mailbox].length === 0) continue;
    const deleted = await attempt(async () => {
      let n = 0;
      for (const token of tokens[mailbox]) n += await run.adapters.imap.deleteMessages(mailbox, token, signal);
      return n;
    });
    if (deleted.ok) {
      counts[mailbox] = deleted.value;
      removed.push(`${deleted.value} test mail(s) from ${names[mailbox]}`);
    } else kept.push(`the test mails in ${names[mailbox]} (${deleted.message})`);
  }
  return { counts, removed, kept };
}

/** A cleanup step's outcome: its value, or why it could not be done (a coded error's sentence). */
async function attempt<T>(step: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; message: string }> {
  try {
    return { ok: true, value: await step() };
  } catch (error) {
    return { ok: false, message: firstLine(isMailsetupError(error) ? error.userMessage : String(error)) };
  }
}

const NOTHING: ErpCleanup = { removed: [], archived: [], kept: [], evidence: {} };

interface ErpCleanup {
  removed: string[];
  /** Leads the bot may not delete, archived and tagged instead. */
  archived: string[];
  kept: string[];
  evidence: Record<string, unknown>;
}

async function cleanErp(run: E2eRun, signal: AbortSignal): Promise<ErpCleanup> {
  const { erp } = run.adapters;
  const tokens = [run.tokens.sales, run.tokens.wrongAddress];
  const found = await erp.findTestRecords(
    tokens.map((t) => testMessageId(t, run.sender)),
    tokens,
    signal,
  );
  const out: ErpCleanup = {
    removed: [],
    archived: [],
    kept: [],
    evidence: { leads: found.leads.map((l) => l.id), messages: found.messages.map((m) => m.id) },
  };
  const leadIds = found.leads.map((l) => l.id);
  const onLeads = found.messages.filter((m) => m.model === 'crm.lead' && m.resId !== null && leadIds.includes(m.resId));
  const others = found.messages.filter((m) => !onLeads.includes(m));
  const leads = `${leadList(found)}${onLeads.length ? ` with its ${messages(onLeads.length)}` : ''}`;

  if (leadIds.length > 0) {
    const deleted = await erp.deleteRecords('crm.lead', leadIds, signal);
    // Odoo deletes a document's messages with it (mail.thread.unlink).
    if (deleted.ok) out.removed.push(`${leads} from the ERP`);
    else {
      out.evidence.deleteRefused = deleted.message;
      const why = `the ERP refused to delete: ${firstLine(deleted.message)}`;
      const archived = await erp.archiveLeads(leadIds, TEST_LEAD_TAG, signal);
      if (archived.ok) out.archived.push(`${leads}, archived and tagged "${TEST_LEAD_TAG}" instead (${why})`);
      else {
        out.evidence.archiveRefused = archived.message;
        out.kept.push(`${leads} (${why}; archiving too: ${firstLine(archived.message)})`);
      }
    }
  }
  if (others.length > 0) {
    const list = `${messages(others.length)} (${others.map((m) => `#${m.id}`).join(', ')})`;
    const deleted = await erp.deleteRecords(
      'mail.message',
      others.map((m) => m.id),
      signal,
    );
    if (deleted.ok) out.removed.push(`${list} from the ERP`);
    else out.kept.push(`${list} (${firstLine(deleted.message)})`);
  }
  return out;
}

function leadList(found: ErpTestRecords): string {
  return found.leads.map((l) => `crm.lead #${l.id} "${l.name}"`).join(', ');
}

function messages(n: number): string {
  return `${n} mail.message${n === 1 ? '' : 's'}`;
}

/** `fail` when something is left as it was; an archived, tagged lead is out of everyone's way. */
function body(removed: string[], archived: string[], kept: string[], evidence: Record<string, unknown>): HopBody {
  const parts = [removed.length ? `Removed ${removed.join('; ')}.` : 'Removed nothing.'];
  if (archived.length) parts.push(`Kept ${archived.join('; ')}.`);
  if (kept.length) parts.push(`Could not remove ${kept.join('; ')}.`);
  return { status: kept.length ? 'fail' : 'pass', detail: parts.join(' '), evidence: { ...evidence, removed, archived, kept } };
}
