import type { CliOutput } from '../cli/output.js';
import type { Core } from './context.js';
import { planFix, renderDryRun } from './fix.js';

/** `mailsetup fix <id> [tenant] [--remove-extra] [--json]`: prints the plan and exits 0; it never applies. */
export async function runFixCli(
  core: Core,
  positionals: string[],
  values: { tenant?: string; 'remove-extra'?: boolean },
  out: CliOutput,
): Promise<number> {
  const [checkId = '', tenantArg] = positionals;
  const result = await planFix(core, checkId, values.tenant ?? tenantArg, { removeExtra: values['remove-extra'] === true });
  out.result(result.plan ? { plan: result.plan } : { plan: null, reason: result.reason }, () => renderDryRun(result));
  return 0;
}
