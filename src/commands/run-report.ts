import type { TenantConfig } from '../config/schema.js';
import type { CheckDefinition } from '../engine/check.js';
import type { CheckResult, Report } from '../engine/result.js';
import { runChecks } from '../engine/run.js';
import type { Message } from '../render/message.js';
import { progressMessage, reportToMessage } from '../render/report-message.js';
import { type CommandContext, sendProgress } from './context.js';

/** Runs checks for a tenant, streaming progress Messages through `ctx.update`. */
export async function runReport(
  ctx: CommandContext,
  tenant: TenantConfig,
  checks: readonly CheckDefinition[],
  options: { title?: string } = {},
): Promise<{ report: Report; message: Message }> {
  const done: CheckResult[] = [];
  let planned: { id: string; title: string }[] = [];
  const report = await runChecks({
    checks,
    catalogue: ctx.core.catalogue,
    adapters: ctx.core.adapters(tenant),
    tenant,
    services: ctx.core.config.services,
    timeouts: ctx.core.config.timeouts,
    signal: ctx.signal,
    onFetch: ctx.core.observer ? (event) => ctx.core.observer?.fetched(event) : undefined,
    onProgress: (event) => {
      if (!ctx.update) return;
      if (event.type === 'started') planned = event.checks;
      if (event.type === 'check') done.push(event.result);
      if (event.type !== 'done') sendProgress(ctx, () => progressMessage(tenant.domain, planned, done));
    },
  });
  ctx.core.observer?.reported(report);
  return { report, message: reportToMessage(report, options) };
}
