import { randomUUID } from 'node:crypto';
import { findPlanner } from '../checks/fixes.js';
import { findCheck } from '../checks/registry.js';
import { redact } from '../config/secret.js';
import { type FixCall, type FixChange, type FixOptions, renderCall } from '../engine/fix.js';
import { fetchSnapshot } from '../engine/fix-snapshot.js';
import { runChecks } from '../engine/run.js';
import { isMailsetupError, MailsetupError } from '../errors.js';
import type { Core } from './context.js';

/** How long a plan stays approvable (`approvals.expiresMinutes`, DESIGN §4). */
const DEFAULT_EXPIRES_MINUTES = 30;

/** Why a step is left to a person, by area (issue 10: licences, DNS, modules, domain verification). */
const WHY_NOT: Partial<Record<string, string>> = {
  dns: 'DNS records live with your DNS host, which the bot has no access to.',
  entra: 'verifying a domain is done in the Microsoft 365 admin center, with a DNS record.',
  erp: 'it is not a setting the bot writes (installing a module, or a test that only reports).',
  exchange: 'it is a tenant-wide policy the bot reports but does not change.',
  mailflow: 'it reports on the whole loop; the fix is in the step it names.',
};

/** DESIGN §4's FixPlan, as the CLI's dry run prints it. */
export interface FixPlan {
  id: string;
  checkId: string;
  tenant: string;
  target: string;
  changes: FixChange[];
  calls: FixCall[];
  basis: string;
  expiresAt: string;
  notes: string[];
}

/** `problem`: what is wrong, one line (the check's verdict), for the plan card. */
export type FixDryRun = { plan: FixPlan; reason?: undefined; problem?: string } | { plan: null; reason: string };

/**
 * `fix <id> [tenant]` without applying: runs the check; when it fails or warns, reads the planner's
 * sources and returns the plan, otherwise (or when the bot will not fix it) a sentence saying why.
 */
export async function planFix(
  core: Core,
  checkId: string,
  tenantName: string | undefined,
  options: FixOptions & { expiresMinutes?: number; signal?: AbortSignal } = {},
): Promise<FixDryRun> {
  const check = findCheck(checkId.toLowerCase(), core.catalogue);
  if (!check) {
    throw new MailsetupError('UsageError', `There is no check called "${checkId.slice(0, 60)}".`, {
      hint: 'Type `help` to see the checks.',
    });
  }
  const id = check.meta.id;
  const byHand = `See \`explain ${id}\` for the steps by hand.`;
  const planner = findPlanner(id);
  if (!planner || !check.meta.fixable) {
    const why = WHY_NOT[check.meta.area];
    return { plan: null, reason: `The bot does not fix ${id} (${check.meta.title})${why ? `: ${why}` : '.'} ${byHand}` };
  }
  const tenant = core.tenant(tenantName);
  const adapters = core.adapters(tenant);
  const { services, timeouts } = core.config;
  const report = await runChecks({
    checks: [check],
    catalogue: core.catalogue,
    adapters,
    tenant,
    services,
    timeouts,
    signal: options.signal,
  });
  const result = report.checks.find((c) => c.id === id);
  if (!result || result.status === 'pass') return { plan: null, reason: `${id} passes for ${tenant.name}: there is nothing to fix.` };
  if (result.status === 'skip' || result.status === 'error') {
    return { plan: null, reason: `The bot cannot plan a fix for ${id} while the check is ${result.status}: ${result.detail}` };
  }
  const now = new Date();
  let outcome: ReturnType<typeof planner.plan>;
  try {
    const snapshot = await fetchSnapshot(planner.sources, { adapters, tenant, services, timeouts, now });
    outcome = planner.plan(snapshot, { tenant, services, now }, options);
  } catch (error) {
    if (!isMailsetupError(error) || error.code === 'Internal') throw error;
    return { plan: null, reason: `The bot could not read what the fix needs: ${redact(error.userMessage)}` };
  }
  if ('refused' in outcome) return { plan: null, reason: `${outcome.refused} ${byHand}` };
  const expiresMinutes = options.expiresMinutes ?? DEFAULT_EXPIRES_MINUTES;
  return {
    problem: result.detail,
    plan: {
      id: randomUUID(),
      checkId: id,
      tenant: tenant.name,
      target: outcome.target,
      changes: outcome.changes,
      calls: outcome.calls,
      basis: outcome.basis,
      expiresAt: new Date(now.getTime() + expiresMinutes * 60_000).toISOString(),
      notes: outcome.notes ?? [],
    },
  };
}

/** The dry run as text: the diff, the exact calls, what is left, and that nothing was changed. */
export function renderDryRun(result: FixDryRun): string {
  if (!result.plan) return `${result.reason}\n`;
  const { plan } = result;
  const value = (v: unknown) => (v === null ? '(none)' : typeof v === 'string' ? v : JSON.stringify(v));
  return [
    `Plan ${plan.id} for ${plan.checkId} on ${plan.tenant}: ${plan.target}`,
    '',
    'Changes:',
    ...plan.changes.map((c) => `  ${c.setting}: ${value(c.before)} → ${value(c.after)}`),
    '',
    'Calls, in order:',
    ...plan.calls.map((c, i) => `  ${i + 1}. ${renderCall(c)}`),
    ...(plan.notes.length > 0 ? ['', ...plan.notes.map((n) => `Note: ${n}`)] : []),
    '',
    `Dry run: nothing was changed. Applying needs an approver in chat; the plan expires at ${plan.expiresAt}.`,
    '',
  ].join('\n');
}
