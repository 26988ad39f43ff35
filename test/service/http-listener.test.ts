import { afterEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/engine/result.js';
import { HttpListener } from '../../src/service/http-listener.js';
import { Metrics } from '../../src/service/metrics.js';

let listener: HttpListener | undefined;
afterEach(async () => {
  await listener?.stop();
  listener = undefined;
});

async function start(reasons: (string | undefined)[], routes?: Map<string, Parameters<Map<string, never>['set']>[1]>) {
  const metrics = new Metrics({ processMetrics: false });
  listener = new HttpListener({
    host: '127.0.0.1',
    port: 0,
    metrics,
    readiness: () => reasons.map((r) => () => r),
    routes,
  });
  const { port } = await listener.start();
  return { base: `http://127.0.0.1:${port}`, metrics };
}

describe('the HTTP listener', () => {
  it('answers /healthz while the process runs, whatever readiness says', async () => {
    const { base } = await start(['the Slack front end is not connected']);
    const response = await fetch(`${base}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('answers /readyz 503 with every reason, and 200 once they hold', async () => {
    const reasons: (string | undefined)[] = ['the store is closed', 'the scheduler last ticked 12 min ago (interval 5 min)'];
    const { base } = await start(reasons);
    const notReady = await fetch(`${base}/readyz`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toEqual({
      status: 'not ready',
      reasons: ['the store is closed', 'the scheduler last ticked 12 min ago (interval 5 min)'],
    });
    reasons.splice(0, reasons.length, undefined);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('fails /readyz once draining for shutdown', async () => {
    const { base } = await start([]);
    listener?.drain();
    const response = await fetch(`${base}/readyz`);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({ reasons: ['shutting down'] });
  });

  it('serves Prometheus text with the check results and outside calls it counted', async () => {
    const { base, metrics } = await start([]);
    const report = {
      tenant: 'contoso',
      domain: 'contoso.test',
      startedAt: new Date(0).toISOString(),
      durationMs: 1500,
      checks: [
        { id: 'exchange-catchall-rule', status: 'fail' },
        { id: 'erp-reachable', status: 'pass' },
      ],
    } as unknown as Report;
    metrics.observeReport(report, 'status');
    metrics.observeFetch('erp.outgoing-servers');
    metrics.observeFetch('exchange.transport-rules', 'AdapterTimeout');
    const response = await fetch(`${base}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('mailsetup_check_results_total{check="exchange-catchall-rule",status="fail"} 1');
    expect(text).toContain('mailsetup_outside_calls_total{service="exchange"} 1');
    expect(text).toContain('mailsetup_outside_errors_total{service="exchange",code="AdapterTimeout"} 1');
    expect(text).toMatch(/mailsetup_run_duration_seconds_count\{kind="status"\} 1/);
  });

  it('hands mounted paths to their front end and refuses what it does not serve', async () => {
    const routes = new Map([
      [
        '/api/messages',
        (_req: unknown, res: { writeHead(s: number): void; end(b: string): void }) => {
          res.writeHead(202);
          res.end('teams');
        },
      ],
    ]);
    const { base } = await start([], routes as never);
    const mounted = await fetch(`${base}/api/messages`, { method: 'POST', body: '{}' });
    expect(mounted.status).toBe(202);
    expect(await mounted.text()).toBe('teams');
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    expect((await fetch(`${base}/healthz`, { method: 'POST' })).status).toBe(405);
  });
});
