import type { CliOutput } from '../cli/output.js';
import { AlertDesk } from '../monitor/alert-actions.js';
import { StoredAlertBook } from '../monitor/alert-book.js';
import { configuredChannels } from '../monitor/wiring.js';
import { renderText } from '../render/text.js';
import { Store } from '../store/store.js';
import { alertsCommand } from './alerts.js';
import type { Actor, Core } from './context.js';

/**
 * `mailsetup alerts …` from a shell on the bot's host: the same verb on the bot's store file. An
 * ack or snooze writes the root's update into the outbox; the running bot delivers it on its next
 * delivery pass (SQLite in WAL mode lets both processes use the file).
 */
export async function runAlertsCli(core: Core, args: string[], actor: Actor, out: CliOutput): Promise<number> {
  const store = Store.open(core.config.store.path);
  try {
    const { config } = core;
    const book = new StoredAlertBook({
      alerts: store.alerts,
      outbox: store.outbox,
      channelsFor: (tenant) => configuredChannels(config, tenant),
      catalogue: core.catalogue,
      domainOf: (tenant) => config.tenants.find((t) => t.name === tenant)?.domain,
    });
    const desk = new AlertDesk({ book, alerts: store.alerts, audit: store.audit });
    const reply = await alertsCommand.run(args, { core: { ...core, alerts: desk, audit: store.audit }, actor });
    const listing = args[0] !== 'ack' && args[0] !== 'acknowledge' && args[0] !== 'snooze';
    out.result(listing ? { alerts: desk.list(), message: reply } : reply, () => renderText(reply, { details: true }));
    return reply.tone === 'error' ? 1 : 0;
  } finally {
    store.close();
  }
}
