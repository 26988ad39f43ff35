import { E2eRateLimited } from '../e2e/gate.js';
import { formatSeconds } from '../e2e/hop.js';
import { runEndToEnd } from '../e2e/run.js';
import type { E2eHop, E2eOptions, E2eResult } from '../e2e/types.js';
import type { Message, MessageBlock } from '../render/message.js';
import { type CommandContext, type CommandSpec, type Core, sendProgress } from './context.js';
import { tenantArgument } from './parse.js';

export interface TestEmailOptions {
  signal?: AbortSignal;
  /** Receives the hops so far (progress). */
  onProgress?: (hops: readonly E2eHop[]) => void;
  e2e?: Partial<E2eOptions>;
}

/**
 * Runs the end-to-end test for a tenant and returns the raw result (the CLI prints it for `--json`:
 * `hops`, `verdict`, `durationMs`, plus the failed hop, cause, tokens and lead). While another run
 * is in flight (any process on the store) or inside the rate limit, the result is that run's, with
 * `shared` saying so; `E2eRateLimited` ("wait N s") only when there is no result to show.
 */
export async function runTestEmail(core: Core, tenantName?: string, options: TestEmailOptions = {}): Promise<E2eResult> {
  const tenant = core.tenant(tenantName);
  return runEndToEnd({
    adapters: core.adapters(tenant),
    tenant,
    ...(options.e2e ? { options: options.e2e } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.onProgress ? { onProgress: options.onProgress } : {}),
  });
}

export const testEmailCommand: CommandSpec = {
  verb: 'test-email',
  summary: 'Sends real mail through the whole loop and reports each hop with its time.',
  usage: 'test-email [tenant]',
  examples: ['test-email', 'test-email contoso'],
  async run(args, ctx) {
    const tenant = ctx.core.tenant(tenantArgument(args, this));
    try {
      const result = await runTestEmail(ctx.core, tenant.name, { signal: ctx.signal, onProgress: progress(ctx, tenant.domain) });
      return testEmailMessage(result);
    } catch (error) {
      if (error instanceof E2eRateLimited) return rateLimitedMessage(error);
      throw error;
    }
  },
};

function progress(ctx: CommandContext, domain: string) {
  return (hops: readonly E2eHop[]) =>
    sendProgress(ctx, () => ({
      summary: `test-email for ${domain}: ${hops.length} hop(s) done…`,
      tone: 'info',
      inProgress: true,
      blocks: [hopsBlock(hops)],
    }));
}

/** The reply: summary line first, then every hop with its time, then the likely cause. */
export function testEmailMessage(result: E2eResult): Message {
  const hops = result.hops.filter((h) => h.id !== 'cleanup');
  const failed = result.hops.find((h) => h.id === result.failedHop?.id);
  const blocks: MessageBlock[] = [hopsBlock(result.hops)];
  if (result.cause) {
    blocks.push({
      type: 'fields',
      fields: [
        { label: 'Likely cause', value: `\`${result.cause.code}\` → check \`${result.cause.checkId}\`` },
        { label: 'Why', value: result.cause.explanation },
        { label: 'Fix', value: result.cause.fix },
      ],
    });
  }
  if (result.shared) blocks.unshift({ type: 'text', text: result.shared.detail });
  const facts = [`Tokens: \`${result.tokens.sales}\` (sales@), \`${result.tokens.wrongAddress}\` (wrong address)`];
  if (result.lead) facts.push(`Lead: crm.lead #${result.lead.id} "${result.lead.name}"`);
  blocks.push({ type: 'text', text: facts.join('\n') });
  const time = formatSeconds(result.durationMs);
  // A shared result is another request's run: say so first, so nobody takes it for a fresh test.
  const name = result.shared
    ? result.shared.reason === 'in-flight'
      ? 'test-email (the run already in flight)'
      : 'test-email (the last run)'
    : 'test-email';
  if (result.verdict === 'pass') {
    const ran = hops.filter((h) => h.status === 'pass').length;
    return { summary: `${name} passed in ${time} — ${ran} hops`, tone: 'ok', blocks };
  }
  const why = result.cause ? result.cause.explanation : (failed?.detail ?? '');
  if (result.verdict === 'fail') {
    return { summary: `${name} failed at ${lower(result.failedHop?.name)} — ${shorten(failed?.detail ?? why)}`, tone: 'bad', blocks };
  }
  return {
    summary: `${name} could not finish: ${lower(result.failedHop?.name)} — ${shorten(failed?.detail ?? why)}`,
    tone: 'error',
    blocks,
  };
}

function rateLimitedMessage(error: E2eRateLimited): Message {
  return { summary: error.userMessage, tone: 'warn', blocks: [] };
}

function hopsBlock(hops: readonly E2eHop[]): MessageBlock {
  return {
    type: 'hops',
    hops: hops.map((h) => ({
      name: h.name,
      status: h.status,
      ...(h.durationMs !== undefined ? { durationMs: h.durationMs } : {}),
      detail: h.detail,
    })),
  };
}

/** "Catch-all inbox …" → "catch-all inbox …", but "MX accepts …" stays. */
function lower(name: string | undefined): string {
  if (!name) return 'an unknown hop';
  return /^[A-Z][a-z]/.test(name) ? name.charAt(0).toLowerCase() + name.slice(1) : name;
}

function shorten(text: string): string {
  return text.length > 200 ? `${text.slice(0, 197)}…` : text;
}
