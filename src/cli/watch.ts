import type { Logger } from 'pino';
import { watchCommand } from '../commands/watch.js';
import type { MailsetupConfig } from '../config/schema.js';
import { createCore } from '../core.js';
import { setUpWatch, storedWatchControl } from '../monitor/watcher-setup.js';
import { renderText } from '../render/text.js';
import { Store } from '../store/store.js';
import type { CliCommand } from './arguments.js';
import { type CliOutput, EXIT_FAILING, EXIT_OK } from './output.js';

/** One transition as `watch --json` prints it. */
interface PrintedTransition {
  tenant: string;
  checkId: string;
  kind: 'fail' | 'error';
  from: string;
  to: string;
  cycle: number;
}

/**
 * `mailsetup watch`: with `--once` one cycle now, with `--cycles N` N cycles back to back (a dry
 * run against the lab: the outbox's messages are listed, not posted); otherwise the `watch` verb
 * (overview, pause, resume) over the store.
 */
export async function runWatchCli(
  command: CliCommand,
  config: MailsetupConfig,
  out: CliOutput,
  logger: Logger,
  options: { actor: { platform: 'cli'; userId: string }; lab: boolean },
): Promise<number> {
  const { actor, lab } = options;
  const { positionals, values } = command;
  const store = Store.open(config.store.path);
  try {
    const core = { ...createCore({ config, logger, store }), audit: store.audit };
    if (!values.once && values.cycles === undefined) {
      const reply = await watchCommand.run(positionals, { core: { ...core, watch: storedWatchControl(core, store) }, actor });
      out.result(reply, () => renderText(reply, { details: true }));
      return reply.tone === 'error' ? EXIT_FAILING : EXIT_OK;
    }
    const cycles = values.cycles === undefined ? 1 : Number(values.cycles);
    // Against the lab, and always with `--cycles`, a dry run of the alert policy; `--once` with a
    // config is a real cycle (cron): its messages wait in the store's outbox for the bot to post.
    const dryRun = lab || values.cycles !== undefined;
    const { watcher, messages } = setUpWatch({ core, store, logger, dryRun });
    let failing = false;
    try {
      for (let i = 0; i < cycles; i++) await watcher.runCycle();
      failing = watcher.tenants().some((t) => t.last && (t.last.runError || t.last.failing.length > 0));
    } finally {
      await watcher.stop();
    }
    const transitions: PrintedTransition[] = watcher.transitions.map(({ tenant, checkId, kind, from, to, cycle }) => ({
      tenant,
      checkId,
      kind,
      from,
      to,
      cycle,
    }));
    const listed = messages();
    out.result({ transitions, messages: listed }, () => transitionsText(transitions, listed.length, cycles));
    return failing ? EXIT_FAILING : EXIT_OK;
  } finally {
    store.close();
  }
}

function transitionsText(transitions: PrintedTransition[], messages: number, cycles: number): string {
  const head = `${cycles} watch cycle(s): ${transitions.length} alert transition(s), ${messages} message(s) in the outbox`;
  const lines = transitions.map((t) => `  cycle ${t.cycle}  ${t.tenant}  ${t.checkId} (${t.kind})  ${t.from} → ${t.to}`);
  return `${[head, ...lines].join('\n')}\n`;
}
