import type { AuditEntry } from '../store/audit.js';
import type { CommandSpec } from './context.js';
import { takeTenantOption, usageError } from './parse.js';

const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 500;

/** `history [tenant] [--limit N]`: the audit log, newest first, one line each. */
export const historyCommand: CommandSpec = {
  verb: 'history',
  summary: 'The audit log: who asked for a fix, who approved it, what was applied and verified.',
  usage: 'history [tenant] [--limit N]',
  examples: ['history', 'history contoso --limit 50'],
  async run(args, ctx) {
    const { tenantArg, limit } = historyArguments(args, this.usage);
    const tenant = ctx.core.tenant(tenantArg);
    if (!ctx.core.audit) {
      return {
        summary: 'The audit log lives in the store, which only the running bot opens; try `mailsetup history` on its host.',
        tone: 'info',
        blocks: [],
      };
    }
    const entries = ctx.core.audit.list({ tenant: tenant.name, limit });
    if (entries.length === 0) return { summary: `Nothing in the audit log for ${tenant.name} yet.`, tone: 'info', blocks: [] };
    return {
      summary: `The last ${entries.length} audit entr${entries.length === 1 ? 'y' : 'ies'} for ${tenant.name}, newest first`,
      tone: 'info',
      blocks: [{ type: 'code', text: entries.map(historyLine).join('\n') }],
    };
  },
};

export function historyArguments(args: string[], usage: string): { tenantArg?: string; limit: number } {
  const { tenant, rest } = takeTenantOption(args);
  let limit = DEFAULT_LIMIT;
  const positionals: string[] = [];
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const value = arg === '--limit' ? rest[++i] : arg.startsWith('--limit=') ? arg.slice('--limit='.length) : undefined;
    if (arg === '--limit' || arg.startsWith('--limit=')) {
      limit = Number(value);
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT)
        throw usageError(`--limit must be a whole number from 1 to ${MAX_LIMIT}.`, usage);
    } else if (arg.startsWith('--')) throw usageError(`\`history\` has no option ${arg.slice(0, 40)}.`, usage);
    else positionals.push(arg);
  }
  if (positionals.length > 1) throw usageError(`\`history\` takes at most a tenant name, not "${positionals.join(' ')}".`, usage);
  return { tenantArg: tenant ?? positionals[0], limit };
}

/** One entry, one line: time, event, check, plan, who, and what it rests on. */
export function historyLine(entry: AuditEntry): string {
  const who = entry.actor ? `${entry.actor.displayName ?? entry.actor.userId} (${entry.actor.platform})` : 'the bot';
  const reason = typeof entry.details.reason === 'string' ? ` — ${entry.details.reason}` : '';
  const verdict = entry.event === 'verified' ? ` — ${String(entry.details.status)}: ${String(entry.details.detail)}` : '';
  const count =
    entry.event === 'approved' && typeof entry.details.approvals === 'number'
      ? ` (${entry.details.approvals}/${String(entry.details.required)})`
      : '';
  return `${entry.at}  ${entry.event.padEnd(11)} ${entry.checkId ?? '-'}  ${entry.planId ?? '-'}  ${who}${count}${reason}${verdict}`;
}
