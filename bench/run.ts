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

  const watch = await measureWatchCycle({ tenants: 50, latencyMs: 40, concurrency: 16 });
  rows.push({
    budget: 'one watch cycle over 50 tenants ≤ 1.5× the slowest tenant alone (concurrency 16)',
    measured: `cycle ${watch.cycleMs} ms (cold ${watch.coldCycleMs} ms); one tenant alone ${watch.slowestAloneMs} ms; latency ${watch.latencyMs} ms per call; peak RSS ${watch.peakRssMb} MB; loop lag p99 ${watch.loopLagP99Ms} ms`,
    ratio: watch.ratio,
    limit: 1.5,
  });

  const scale = await measureWatchCycle({ tenants: 500, latencyMs: 40, concurrency: 16, aloneSample: 3, throttleOne: true });
  rows.push({
    budget: 'issue 12: one watch cycle over 500 tenants within a fifth of the 5 min interval (≤ 60 s)',
    measured: `cycle ${scale.cycleMs} ms (cold ${scale.coldCycleMs} ms); peak RSS ${scale.peakRssMb} MB (limit 300); loop lag p99 ${scale.loopLagP99Ms} ms`,
    ratio: Math.round((scale.cycleMs / 60_000) * 100) / 100,
    limit: 1,
  });
  rows.push({
    budget: 'issue 12: outside calls per tenant per cycle ÷ distinct resources',
    measured: `most calls per resource in one tenant's cycle: ${scale.callsPerResource}`,
    ratio: scale.callsPerResource,
    limit: 1,
  });
  rows.push({
    budget: 'issue 12: peak RSS at 500 tenants ≤ 300 MB',
    measured: `${scale.peakRssMb} MB`,
    ratio: Math.round((scale.peakRssMb / 300) * 100) / 100,
    limit: 1,
  });
  const notes: string[] = [];
  if (scale.throttled) {
    const { tenantMs, othersMedianMs, othersMaxMs } = scale.throttled;
    notes.push(
      `issue 12: the tenant answering 429 (Retry-After 2 s) took ${tenantMs} ms; the other 499: median ${othersMedianMs} ms, slowest ${othersMaxMs} ms`,
    );
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
  for (const note of notes) console.log(`note   ${note}`);
  if (rows.some((r) => r.ratio > r.limit)) process.exitCode = 1;
}

await main();
