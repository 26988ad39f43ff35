import { PassThrough, Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { type App, startApp } from '../../src/app.js';
import { parseConfig } from '../../src/config/load.js';
import { Metrics } from '../../src/service/metrics.js';
import { waitFor } from '../chat/helpers.js';

/**
 * The demo as `npm start` runs it with no config: the lab, the console, the watch. Breaking the
 * rule at run time prints one alert in the console after two failing runs; restoring it prints the
 * recovery under it.
 */
describe('alerts in the console the bot runs in', () => {
  let lab: Lab | undefined;
  let app: App | undefined;

  afterEach(async () => {
    await app?.stop();
    await lab?.stop();
  });

  it('prints the alert once, with what changed, and then its recovery', async () => {
    lab = await startLab({ scenario: 'healthy' });
    const config = parseConfig({ ...lab.config, watch: { every: '3s', e2eEvery: 'off' } }, { env: {} });
    const input = new PassThrough();
    let printed = '';
    const output = new Writable({
      write: (chunk, _encoding, done) => {
        printed += String(chunk);
        done();
      },
    });
    const started = startApp({
      config,
      input,
      output,
      interactive: false,
      console: true,
      logger: pino({ level: 'silent' }),
      metrics: new Metrics({ processMetrics: false }),
    });
    // The console holds `startApp` until its input ends; the watch runs meanwhile.
    const runs = () => lab!.requests.filter((r) => r.key.includes('Get-TransportRule')).length;
    await waitFor(() => runs() >= 1, 20_000, 'a first watch run');
    lab.setScenario('catchall-rule-disabled');
    await waitFor(() => printed.includes('🔔 Alert:'), 30_000, 'the alert in the console');
    expect(printed).toContain('🔔 Alert: contoso: the catch-all rule stopped working');
    expect(printed).toContain('`State` Enabled → Disabled');
    lab.setScenario('healthy');
    await waitFor(() => printed.includes('works again'), 30_000, 'the recovery in the console');
    expect(printed.match(/🔔 Alert:/g)).toHaveLength(1);
    expect(printed).toMatch(/↳ .*contoso: the catch-all rule works again \(resolved after/);
    input.end();
    app = await started;
  }, 120_000);
});
