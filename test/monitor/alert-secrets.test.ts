import { describe, expect, it } from 'vitest';
import { Secret } from '../../src/config/secret.js';
import { Store } from '../../src/store/store.js';
import { ANA, alertRig, labResults, TestClock } from './helpers.js';

describe('alert texts carry no secrets and no terminal controls', () => {
  it('a secret an outside service echoes back, and one typed in a reason, are redacted in the chat, the store and the audit', async () => {
    const secret = new Secret('s3cr3t-erp-api-key-4242', 'inline');
    // An outside service that echoes the bot's credential in its answer (seen in the wild with some ERP proxies).
    const echoing = (await labResults('catchall-rule-disabled')).map((r) =>
      r.id === 'exchange-catchall-rule' ? { ...r, detail: `${r.detail} (proxy said: key=${secret.reveal()} \u001b]0;owned\u0007)` } : r,
    );
    const clock = new TestClock('2026-12-02T10:00:00Z');
    const store = Store.open(':memory:', { now: clock.now });
    const { run, poster, desk } = alertRig(store, clock);
    await run(echoing);
    clock.advance(5 * 60_000);
    await run(echoing);
    const [alert] = desk.list();
    desk.acknowledge(alert!.id, ANA, `rotating ${secret.reveal()}`);
    await desk.deliverSoon();
    const everything = strings([poster.posted, store.alerts.open(), store.outbox.all(), store.audit.list()]).join('\n');
    expect(everything).toContain('[redacted]');
    expect(everything).not.toContain(secret.reveal());
    expect(everything).not.toContain('\u001b');
    expect(poster.roots()[0]!.text).toContain('(proxy said: key=[redacted] \\u001b]0;owned\\u0007)');
    expect(poster.updates().at(-1)!.text).toContain('acknowledged by Ana: "rotating [redacted]"');
  });
});

/** Every string inside a value (not its JSON, which would escape the control characters itself). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}
