import type { Logger } from 'pino';
import { attachStandalonePosters } from '../chat/alert-posters.js';
import { watchCommand } from '../commands/watch.js';
import type { MailsetupConfig } from '../config/schema.js';
import { createCore } from '../core.js';
import { MailsetupError } from '../errors.js';
import type { DeliveryCounts } from '../monitor/contract.js';
import { WatchRunnerRecord } from '../monitor/watch-runner.js';
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
    // config is a real cycle (cron) that posts its messages, unless the running bot is delivering
    // from the same store (the outbox's lease): then they go out with the bot's next pass.
    const dryRun = lab || values.cycles !== undefined;
    const startedAt = new Date().toISOString();
    const runner = dryRun ? undefined : new WatchRunnerRecord(store).other();
    if (runner) {
      throw new MailsetupError(
        'UsageError',
        `The bot (pid ${runner.pid} on ${runner.host}) runs the watch on this store, its last cycle at ${runner.at.slice(11, 19)} UTC: a cycle from here would check every tenant a second time and count each failure twice.`,
        {
          hint: 'See its runs with `mailsetup watch`; run a check now from an alert (Run check now); stop the bot to watch from cron instead.',
        },
      );
    }
    const { watcher, messages, alerts } = setUpWatch({ core, store, logger, dryRun });
    let failing = false;
    let delivery: DeliveryCounts | undefined;
    try {
      // A real cycle posts what it decided, as the bot would: cron users may run no bot at all.
      if (!dryRun) await attachStandalonePosters(alerts.posters, config, store, logger);
      for (let i = 0; i < cycles; i++) await watcher.runCycle();
      failing = watcher.tenants().some((t) => t.last && (t.last.runError || t.last.failing.length > 0));
      if (!dryRun) delivery = deliveredSince(startedAt, store, await alerts.outbox.deliverDue());
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
    out.result({ transitions, messages: listed, ...(delivery ? { delivery } : {}) }, () =>
      transitionsText(transitions, listed.length, cycles, delivery),
    );
    return failing ? EXIT_FAILING : EXIT_OK;
  } finally {
    store.close();
  }
}

/** What this run posted and gave up (the watcher delivers after each cycle too), and what still waits. */
function deliveredSince(startedAt: string, store: Store, last: DeliveryCounts): DeliveryCounts {
  return { ...store.outbox.countsSince(startedAt), ...(last.heldBy ? { heldBy: last.heldBy } : {}) };
}

function transitionsText(transitions: PrintedTransition[], messages: number, cycles: number, delivery?: DeliveryCounts): string {
  const head = `${cycles} watch cycle(s): ${transitions.length} alert transition(s), ${messages} message(s) in the outbox`;
  const lines = transitions.map((t) => `  cycle ${t.cycle}  ${t.tenant}  ${t.checkId} (${t.kind})  ${t.from} → ${t.to}`);
  return `${[head, ...lines, ...(delivery ? [deliveryText(delivery)] : [])].join('\n')}\n`;
}

function deliveryText({ sent, failed, waiting, heldBy }: DeliveryCounts): string {
  if (heldBy) {
    return `Posted nothing: another mailsetup process (pid ${heldBy.pid} on ${heldBy.host}) is delivering from this store; its ${waiting} waiting message(s) go out with it.`;
  }
  const parts = [`Posted ${sent} message(s)`];
  if (failed > 0) parts.push(`${failed} given up (see the log)`);
  if (waiting > 0)
    parts.push(`${waiting} waiting: a retry is due later, or no slack/teams section in the config can post them; the next run tries again`);
  return `${parts.join('; ')}.`;
}
