import { existsSync } from 'node:fs';
import Database from 'better-sqlite3';
import type { CliOutput } from '../cli/output.js';
import { redact } from '../config/secret.js';
import { MailsetupError } from '../errors.js';
import { type AuditEntry, AuditLog } from '../store/audit.js';
import type { Core } from './context.js';
import { historyArguments, historyCommand, historyLine } from './history.js';

/**
 * `mailsetup history [tenant] [--limit N] [--json | --jsonl]` on the bot's host: the audit log of
 * the store at `store.path`, newest first. Opened read-only, so it never creates or changes a store
 * and may run beside the bot. `--json` is one array; `--jsonl` one entry per line (for a SIEM).
 * Without a tenant it shows every tenant's entries.
 */
export async function runHistoryCli(
  core: Core,
  positionals: string[],
  values: { tenant?: string; limit?: string; jsonl?: boolean },
  out: CliOutput,
): Promise<number> {
  const args = [...positionals, ...(values.tenant ? ['--tenant', values.tenant] : []), ...(values.limit ? ['--limit', values.limit] : [])];
  const { tenantArg, limit } = historyArguments(args, `mailsetup ${historyCommand.usage} [--json | --jsonl]`);
  const tenant = tenantArg === undefined ? undefined : core.tenant(tenantArg).name;
  const entries = readAudit(core.config.store.path, { tenant, limit }).map(withoutSecrets);
  if (values.jsonl) {
    out.jsonLines(entries);
    return 0;
  }
  out.result(entries, () => {
    const scope = tenant ?? 'any tenant';
    if (entries.length === 0) return `Nothing in the audit log for ${scope} yet (${core.config.store.path}).\n`;
    return `The last ${entries.length} audit entr${entries.length === 1 ? 'y' : 'ies'} for ${scope}, newest first\n${entries.map(historyLine).join('\n')}\n`;
  });
  return 0;
}

function readAudit(path: string, options: { tenant?: string; limit: number }): AuditEntry[] {
  if (path === ':memory:' || !existsSync(path)) return [];
  let db: Database.Database;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new MailsetupError('ConfigInvalid', `The store at ${path} cannot be opened: ${(error as Error).message}.`, {
      hint: 'Check store.path in the config; it must be the file the bot writes.',
    });
  }
  try {
    const hasAudit = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'audit'").get();
    if (!hasAudit) return [];
    return new AuditLog(db, () => new Date()).list(options);
  } finally {
    db.close();
  }
}

/** The audit never holds secrets; this is the second line of defence for an export that leaves the host. */
function withoutSecrets(entry: AuditEntry): AuditEntry {
  return JSON.parse(redact(JSON.stringify(entry))) as AuditEntry;
}
