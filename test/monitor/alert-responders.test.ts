import pino from 'pino';
import { beforeAll, describe, expect, it } from 'vitest';
import { handleCommand } from '../../src/commands/dispatch.js';
import { createCore } from '../../src/core.js';
import type { CheckResult } from '../../src/engine/result.js';
import { createAlerts } from '../../src/monitor/wiring.js';
import { renderText } from '../../src/render/text.js';
import { Store } from '../../src/store/store.js';
import { noAdapters, testConfig } from '../engine/fixtures.js';
import { labResults, TestClock } from './helpers.js';

const MIN = 60_000;
const ANA = { platform: 'slack' as const, userId: 'U0ANA', displayName: 'Ana' };
const BOB = { platform: 'slack' as const, userId: 'U0BOB', displayName: 'Bob' };

let ruleDisabled: CheckResult[];
beforeAll(async () => {
  ruleDisabled = await labResults('catchall-rule-disabled');
});

/** The bot's alert wiring (createAlerts) over a config, with the catch-all alert firing. */
function firingWith(alerts: Record<string, unknown>) {
  const clock = new TestClock('2026-12-02T10:00:00Z');
  const store = Store.open(':memory:', { now: clock.now });
  const config = testConfig({ alerts: { default: { slack: ['C0ALERTS'] }, ...alerts } });
  const core = { ...createCore({ config, logger: pino({ level: 'silent' }), adapterFactory: () => noAdapters }), audit: store.audit };
  const wiring = createAlerts(core, store, { logger: pino({ level: 'silent' }), now: clock.now });
  wiring.book.observe({ tenant: 'contoso', at: clock.now(), cycle: 1, results: ruleDisabled });
  clock.advance(5 * MIN);
  wiring.book.observe({ tenant: 'contoso', at: clock.now(), cycle: 2, results: ruleDisabled });
  const [alert] = wiring.desk.list();
  if (!alert) throw new Error('no alert fired');
  const ask = async (text: string, actor: { platform: 'slack' | 'cli'; userId: string; displayName?: string }) =>
    renderText(await handleCommand(text, { core, actor }));
  return { store, wiring, ask, id: alert.id };
}

describe('alerts.responders: who may acknowledge or snooze', () => {
  it('refuses anyone the list does not name, in one sentence, audited; the alert stays as it was', async () => {
    const { ask, id, wiring, store } = firingWith({ responders: ['slack:U0ANA'] });
    const refused = await ask(`alerts ack ${id} looks fine to me`, BOB);
    expect(refused).toContain(
      `You may not acknowledge ${id}: alerts.responders in the config does not list you, so you may not acknowledge or snooze alerts.`,
    );
    expect(await ask(`alerts snooze ${id} 4h later`, BOB)).toContain(`You may not snooze ${id}`);
    expect(wiring.desk.get(id)?.state).toBe('firing');
    expect(store.audit.list().map((e) => [e.event, e.actor?.userId, e.details.action])).toEqual([
      ['refused', 'U0BOB', 'snooze'],
      ['refused', 'U0BOB', 'acknowledge'],
    ]);

    expect(await ask(`alerts ack ${id} vendor changing IPs`, ANA)).toContain(`Acknowledged ${id}`);
    expect(wiring.desk.get(id)?.state).toBe('acknowledged');
  });

  it('the CLI on the bot host is never refused; without the list anyone who may run commands may', async () => {
    const listed = firingWith({ responders: ['slack:U0ANA'] });
    expect(await listed.ask(`alerts snooze ${listed.id} 1h maintenance`, { platform: 'cli', userId: 'root' })).toContain(
      `Snoozed ${listed.id}`,
    );
    const open = firingWith({});
    expect(await open.ask(`alerts ack ${open.id} on it`, BOB)).toContain(`Acknowledged ${open.id}`);
  });

  it('the list is checked like the approvers: chat principals only', () => {
    expect(() => testConfig({ alerts: { responders: ['ana@contoso.com'] } })).toThrow(
      /must be slack:<user or user-group id> or teams:<Entra object id>/,
    );
  });
});
