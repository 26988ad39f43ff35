import { measureCliColdStart } from './cli-cold-start.js';
import { fixClickRows } from './fix-click.js';
import { measurePromptFailures } from './prompt-failures.js';
import { measureSlackAck } from './slack-ack.js';
import { measureStatusConcurrency } from './status-concurrency.js';
import { measureTestEmail } from './test-email.js';
import { measureWatchCycle } from './watch-cycle.js';

/**
 * Runs the benchmarks of DESIGN §10 and prints each as a ratio against a baseline measured in the
 * same run (never a timed unit test). `npm run bench`.
 */
async function main(): Promise<void> {
  const rows: { budget: string; measured: string; ratio: number; limit: number }[] = [];

  const status = await measureStatusConcurrency();
  rows.push({
    budget: 'status ≤ 1.2× its longest dependency chain',
    measured: `status ${status.statusMs} ms over ${status.checks} checks; longest chain ${status.longestChain} ${status.longestChainMs} ms (latency ${status.latencyMs} ms per call)`,
    ratio: status.ratio,
    limit: 1.2,
  });
  rows.push({
    budget: 'each outside resource fetched once per status run',
    measured: `most calls to one resource in a run: ${status.maxFetchesOfOneResource}`,
    ratio: status.maxFetchesOfOneResource,
    limit: 1,
  });

  const slack = await measureSlackAck();
  rows.push({
    budget: 'Slack command acknowledged within 300 ms',
    measured: `ack ${slack.ackMs} ms; the command itself took ${slack.finalMs} ms to its final summary (ratio ack/command ${slack.ackRatio})`,
    ratio: Math.round((slack.ackMs / 300) * 100) / 100,
    limit: 1,
  });
  rows.push({
    budget: 'first progress message within 1 s',
    measured: `first chat.postMessage after ${slack.firstMessageMs} ms (ratio to the whole command ${slack.firstMessageRatio})`,
    ratio: Math.round((slack.firstMessageMs / 1000) * 100) / 100,
    limit: 1,
  });

  rows.push(...(await fixClickRows()));

  const email = await measureTestEmail();
  rows.push({
    budget: 'test-email verdict within 3 s in the lab',
    measured: `verdict after ${email.verdictMs} ms over ${email.hops} hops; the manual way waits ≥ 5 min (ratio ${email.ratioToManual})`,
    ratio: email.ratioToBudget,
    limit: 1,
  });

  rows.push(...(await measurePromptFailures()));

  // Issue 11's ratio is cycle ÷ the slowest tenant alone, ideal 1.0. That ideal holds only while
  // every tenant has a slot: 16 tenants at concurrency 16 measure it as written. With 50 tenants a
  // slot runs ceil(50/16) = 4 tenants back to back, so the ratio cannot go below 4; there the
  // budget applies per wave (cycle ÷ (4 × alone)), which is 1.0 when side by side costs nothing.
  const oneWave = await measureWatchCycle({ tenants: 16, latencyMs: 40, concurrency: 16 });
  rows.push({
    budget: 'one watch cycle over 16 tenants ≤ 1.5× the slowest tenant alone (concurrency 16: one wave)',
    measured: `cycle ${oneWave.cycleMs} ms; one tenant alone ${oneWave.slowestAloneMs} ms; in the cycle median ${oneWave.inCycle.medianMs} ms; latency ${oneWave.latencyMs} ms per call; bot peak RSS ${oneWave.peakRssMb} MB`,
    ratio: oneWave.ratio,
    limit: 1.5,
  });
  const watch = await measureWatchCycle({ tenants: 50, latencyMs: 40, concurrency: 16 });
  rows.push({
    budget: `one watch cycle over 50 tenants ≤ 1.5× (${watch.waves} waves × the slowest tenant alone) (concurrency 16)`,
    measured: `cycle ${watch.cycleMs} ms (cold ${watch.coldCycleMs} ms), ${watch.ratio}× one tenant alone (${watch.slowestAloneMs} ms); in the cycle median ${watch.inCycle.medianMs} ms, slowest ${watch.inCycle.maxMs} ms; bot peak RSS ${watch.peakRssMb} MB; loop lag p99 ${watch.loopLagP99Ms} ms`,
    ratio: watch.ratioPerWave,
    limit: 1.5,
  });

  const scale = await measureWatchCycle({ tenants: 500, latencyMs: 40, concurrency: 16, aloneSample: 3, throttleOne: true });
  rows.push({
    budget: 'issue 12: one watch cycle over 500 tenants within a fifth of the 5 min interval (≤ 60 s)',
    measured: `cycle ${scale.cycleMs} ms (cold ${scale.coldCycleMs} ms); ${scale.ratioPerWave}× (${scale.waves} waves × one tenant alone); loop lag p99 ${scale.loopLagP99Ms} ms`,
    ratio: Math.round((scale.cycleMs / 60_000) * 100) / 100,
    limit: 1,
  });
  rows.push({
    budget: 'issue 12: outside calls per tenant per cycle ÷ distinct resources',
    measured: `most calls per resource in one tenant's cycle: ${scale.callsPerResource} (the throttled tenant: ${scale.throttled?.callsPerResource ?? '-'}, its 429'd call sent again after the wait)`,
    ratio: scale.callsPerResource,
    limit: 1,
  });
  rows.push({
    budget: 'issue 12: peak RSS at 500 tenants ≤ 300 MB',
    measured: `the bot's process (compiled, store on disk; the lab runs in its own): ${scale.peakRssMb} MB`,
    ratio: Math.round((scale.peakRssMb / 300) * 100) / 100,
    limit: 1,
  });
  if (scale.throttled) {
    const { tenantMs, othersMedianMs, othersMaxMs } = scale.throttled;
    // Delayed alone: the throttled tenant waited out its Retry-After; no other tenant's run took that long.
    rows.push({
      budget: "issue 12: a tenant answering 429 (Retry-After 2 s) is delayed alone: the others' slowest run ÷ its run < 1",
      measured: `the throttled tenant ${tenantMs} ms; the other 499: median ${othersMedianMs} ms, slowest ${othersMaxMs} ms`,
      ratio: tenantMs >= 2000 ? Math.round((othersMaxMs / tenantMs) * 100) / 100 : Number.POSITIVE_INFINITY,
      limit: 0.99,
    });
  }

  const cold = measureCliColdStart();
  rows.push({
    budget: 'CLI cold start: `mailsetup help` ≤ 4× `node -e 0`',
    measured: `help ${cold.distMs} ms from dist/ (tsx: ${cold.tsxMs} ms, ${cold.tsxRatio}×); node -e 0 ${cold.nodeMs} ms; medians of ${cold.runs}`,
    ratio: cold.distRatio,
    limit: 4,
  });

  for (const r of rows) {
    const verdict = r.ratio <= r.limit ? 'within' : 'OVER';
    console.log(`${verdict.padEnd(6)} ${r.budget}: ratio ${r.ratio} (limit ${r.limit}) — ${r.measured}`);
  }
  if (rows.some((r) => r.ratio > r.limit)) process.exitCode = 1;
}

await main();
