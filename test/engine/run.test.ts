import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../src/engine/run.js';
import { runChecks } from '../../src/engine/run.js';
import { MailsetupError } from '../../src/errors.js';
import { check, countedSource, noAdapters, pass, testConfig } from './fixtures.js';

const config = testConfig();
const tenant = config.tenants[0]!;
const base = { adapters: noAdapters, tenant, services: config.services, timeouts: config.timeouts };

describe('runChecks', () => {
  it('fetches a source shared by several checks once', async () => {
    const counter = { n: 0 };
    const src = countedSource('erp.servers', async () => [1, 2, 3], counter);
    const a = check('erp-a', [src], (s) => pass(`a sees ${s.get(src).length}`));
    const b = check('erp-b', [src], (s) => pass(`b sees ${s.get(src).length}`));
    const report = await runChecks({ ...base, checks: [a, b], catalogue: [a, b] });
    expect(counter.n).toBe(1);
    expect(report.checks.map((c) => c.detail)).toEqual(['a sees 3', 'b sees 3']);
    expect(report.summary).toMatchObject({ total: 2, pass: 2, ok: true });
  });

  it('skips dependants of a failing check without fetching their sources', async () => {
    const counter = { n: 0 };
    const down = countedSource(
      'erp.version',
      async () => {
        throw new MailsetupError('AdapterUnavailable', 'The ERP at http://127.0.0.1:9 refused the connection.');
      },
      counter,
    );
    const other = countedSource('erp.other', async () => 1, counter);
    const root = check('erp-reachable', [down], (s) => pass(String(s.get(down))));
    const child = check('erp-child', [other], () => pass(), ['erp-reachable']);
    const report = await runChecks({ ...base, checks: [root, child], catalogue: [root, child] });
    expect(report.checks[0]).toMatchObject({
      id: 'erp-reachable',
      status: 'error',
      detail: 'The ERP at http://127.0.0.1:9 refused the connection.',
    });
    expect(report.checks[0]!.observed).toMatchObject({ errorCode: 'AdapterUnavailable' });
    expect(report.checks[1]).toMatchObject({ id: 'erp-child', status: 'skip', skipReason: 'dependency-failed' });
    expect(report.checks[1]!.detail).toContain('erp-reachable');
    expect(counter.n).toBe(1);
    expect(report.summary.ok).toBe(false);
  });

  it('turns a fetch that exceeds the timeout into error, never fail', async () => {
    const slow = countedSource('exchange.rules', () => new Promise<number>(() => {}), { n: 0 });
    const c = check('erp-slow', [slow], (s) => ({ status: 'fail', detail: String(s.get(slow)) }));
    const report = await runChecks({ ...base, checks: [c], catalogue: [c], timeouts: { fetchMs: 150, runMs: 1000 } });
    expect(report.checks[0]).toMatchObject({ status: 'error' });
    expect(report.checks[0]!.detail).toMatch(/No answer from the exchange\.rules service within 0\.2 s/);
  });

  it('maps an insufficient permission to error with insufficient-permission', async () => {
    const forbidden = countedSource(
      'exchange.connectors',
      async () => {
        throw new MailsetupError('InsufficientPermission', 'The app may not run Get-InboundConnector.', {
          hint: 'Give it the Exchange Administrator role.',
        });
      },
      { n: 0 },
    );
    const c = check('erp-x', [forbidden], (s) => pass(String(s.get(forbidden))));
    const report = await runChecks({ ...base, checks: [c], catalogue: [c] });
    expect(report.checks[0]).toMatchObject({
      status: 'error',
      skipReason: 'insufficient-permission',
      detail: 'The app may not run Get-InboundConnector. Give it the Exchange Administrator role.',
    });
  });

  it('runs independent chains concurrently', async () => {
    // Each fetch waits until all four are in flight: run one after another, they would never finish.
    let inFlight = 0;
    let release: () => void = () => {};
    const allStarted = new Promise<void>((resolve) => {
      release = resolve;
    });
    const sources = [1, 2, 3, 4].map((i) =>
      countedSource(
        `s${i}`,
        async () => {
          inFlight += 1;
          if (inFlight === 4) release();
          await allStarted;
          return i;
        },
        { n: 0 },
      ),
    );
    const checks = sources.map((s, i) => check(`erp-c${i}`, [s], (snap) => pass(String(snap.get(s)))));
    const report = await runChecks({ ...base, checks, catalogue: checks, timeouts: { fetchMs: 2000, runMs: 5000 } });
    expect(report.checks.map((c) => c.status)).toEqual(['pass', 'pass', 'pass', 'pass']);
  });

  it('reports progress as each check finishes, then done', async () => {
    const a = check('erp-a', [], () => pass());
    const b = check('erp-b', [], () => ({ status: 'warn', detail: 'careful' }));
    const events: ProgressEvent['type'][] = [];
    await runChecks({ ...base, checks: [a, b], catalogue: [a, b], onProgress: (e) => events.push(e.type) });
    expect(events).toEqual(['started', 'check', 'check', 'done']);
  });

  it('reports a bug inside a check as error with its message, not a crash', async () => {
    const c = check('erp-buggy', [], () => {
      throw new TypeError("Cannot read properties of undefined (reading 'x')");
    });
    const report = await runChecks({ ...base, checks: [c], catalogue: [c] });
    expect(report.checks[0]).toMatchObject({ status: 'error' });
    expect(report.checks[0]!.detail).toContain('erp-buggy');
  });

  it('includes dependencies in the run but reports only the selected checks', async () => {
    const root = check('erp-root', [], () => pass());
    const leaf = check('erp-leaf', [], () => pass(), ['erp-root']);
    const report = await runChecks({ ...base, checks: [leaf], catalogue: [root, leaf] });
    expect(report.checks.map((c) => c.id)).toEqual(['erp-leaf']);
  });
});
