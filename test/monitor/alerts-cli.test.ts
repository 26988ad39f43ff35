import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { TEST_TENANT } from '../engine/fixtures.js';
import { runCli, writeConfigFile } from '../lab-e2e/io.js';
import { alertRig, labResults, TestClock } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mailsetup-alerts-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('mailsetup alerts on the bot host', () => {
  it('lists, acknowledges and snoozes on the store file; the running bot delivers the root update', async () => {
    const storePath = join(dir, 'mailsetup.db');
    const clock = new TestClock(new Date(Date.now() - 10 * 60_000).toISOString());
    const bot = Store.open(storePath, { now: clock.now });
    const rig = alertRig(bot, clock);
    await rig.run(await labResults('catchall-rule-disabled'));
    clock.advance(5 * 60_000);
    await rig.run(await labResults('catchall-rule-disabled'));
    const id = rig.desk.list()[0]!.id;
    const config = writeConfigFile({
      tenants: [TEST_TENANT],
      store: { path: storePath },
      log: { level: 'silent' },
    });

    const listed = await runCli(['alerts', '--config', config]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(
        `${id}  contoso  exchange-catchall-rule  firing  since \\d\\d:\\d\\d UTC \\(5 min ago\\)  the catch-all rule stopped working`,
      ),
    );
    const json = JSON.parse((await runCli(['alerts', '--config', config, '--json'])).stdout) as { alerts: { id: string; state: string }[] };
    expect(json.alerts).toEqual([expect.objectContaining({ id, state: 'firing' })]);

    const bad = await runCli(['alerts', 'snooze', id, '9d', 'holidays', '--config', config]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('A snooze lasts at most 7 days, not 9d; there is no permanent mute.');

    const acked = await runCli(['alerts', 'ack', id, 'vendor', 'changing', 'IPs', '--config', config], { env: { USER: 'ana' } });
    expect(acked.code).toBe(0);
    expect(acked.stdout).toContain(`Acknowledged ${id}`);
    await rig.delivery.deliverDue();
    expect(rig.poster.updates().at(-1)?.text).toContain('acknowledged by ana: "vendor changing IPs"');
    expect(bot.audit.list()[0]).toMatchObject({ event: 'alert-acknowledged', actor: { platform: 'cli', userId: 'ana' } });
    bot.close();
  }, 60_000);
});
