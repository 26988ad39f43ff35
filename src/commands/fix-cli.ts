import { MailsetupError } from '../errors.js';
import type { Core } from './context.js';
import { planFix, renderDryRun } from './fix.js';

interface FixCliIo {
  stdout: NodeJS.WritableStream;
}

/** `mailsetup fix <id> [tenant] [--remove-extra] [--json]`: prints the plan and exits 0; it never applies. */
export async function runFixCli(
  core: Core,
  positionals: string[],
  values: { tenant?: string; json?: boolean; 'remove-extra'?: boolean },
  io: FixCliIo,
): Promise<number> {
  const [checkId, tenantArg, ...extra] = positionals;
  if (!checkId || extra.length > 0) {
    throw new MailsetupError('UsageError', '`fix` takes a check id and, optionally, a tenant.', {
      hint: 'e.g. `mailsetup fix exchange-connector-ips`.',
    });
  }
  const result = await planFix(core, checkId, values.tenant ?? tenantArg, { removeExtra: values['remove-extra'] === true });
  io.stdout.write(
    values.json
      ? `${JSON.stringify(result.plan ? { plan: result.plan } : { plan: null, reason: result.reason }, null, 2)}\n`
      : renderDryRun(result),
  );
  return 0;
}
