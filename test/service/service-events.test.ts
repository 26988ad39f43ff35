import { describe, expect, it } from 'vitest';
import { Metrics } from '../../src/service/metrics.js';
import { ServiceEvents } from '../../src/service/service-events.js';
import { captureLogger } from '../chat/helpers.js';

/** The hooks the watch, alert and fix flows call: one JSON line each with the run id, and the metric. */
describe('service events', () => {
  it('logs a watch run, an alert transition and a plan decision as one line each, and counts them', async () => {
    const metrics = new Metrics({ processMetrics: false });
    const { logger, lines } = captureLogger();
    const events = new ServiceEvents({ metrics, logger });
    events.watchRun({ runId: 'r1', tenant: 'contoso', counts: { pass: 20, warn: 1, fail: 2, error: 0, skip: 1 }, durationMs: 4200 });
    events.alertTransition({ runId: 'r1', tenant: 'contoso', check: 'exchange-connector-ips', from: 'ok', to: 'firing' });
    events.planDecision({ runId: 'r2', tenant: 'contoso', planId: 'p-7', decision: 'approved', by: 'U123' });
    events.alertCounts({ firing: 1, resolved: 3 });
    events.outbox({ depth: 2 });
    events.deliveryFailed({ platform: 'slack', code: 'rate_limited' });

    const records = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => r.event)).toEqual(['watch-run', 'alert-transition', 'plan-decision', 'delivery-failed']);
    expect(records[0]).toMatchObject({ runId: 'r1', tenant: 'contoso', counts: { fail: 2 }, durationMs: 4200 });
    expect(records[1]).toMatchObject({ runId: 'r1', check: 'exchange-connector-ips', from: 'ok', to: 'firing' });
    expect(records[2]).toMatchObject({ runId: 'r2', planId: 'p-7', decision: 'approved', by: 'U123' });

    const text = await metrics.text();
    expect(text).toMatch(/mailsetup_run_duration_seconds_count\{kind="watch"\} 1/);
    expect(text).toContain('mailsetup_plan_decisions_total{decision="approved"} 1');
    expect(text).toContain('mailsetup_alerts{state="firing"} 1');
    expect(text).toContain('mailsetup_outbox_depth 2');
    expect(text).toContain('mailsetup_outbox_delivery_failures_total{platform="slack"} 1');
  });
});
