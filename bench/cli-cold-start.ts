import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ColdStart {
  /** Median wall time of `node -e 0`, ms (the baseline). */
  nodeMs: number;
  /** `node bin/mailsetup.js help` (compiled dist/), ms, and its ratio to the baseline. */
  distMs: number;
  distRatio: number;
  /** `node --import tsx src/cli.ts help` (development), ms, and its ratio. */
  tsxMs: number;
  tsxRatio: number;
  runs: number;
}

/**
 * CLI cold start: `mailsetup help` wall time ÷ `node -e 0`, both measured here, interleaved, the
 * median of several runs each (the machine is shared: one slow run is not the CLI). Budget ≤ 4×
 * for the compiled CLI. Builds dist/ first when it is missing.
 */
export function measureCliColdStart(runs = 9): ColdStart {
  if (!existsSync(`${ROOT}/dist/src/cli.js`)) spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
  const node: number[] = [];
  const dist: number[] = [];
  const tsx: number[] = [];
  const time = (args: string[]) => {
    const started = performance.now();
    const result = spawnSync(process.execPath, args, {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    if (result.status !== 0) throw new Error(`${args.join(' ')} exited ${result.status}: ${String(result.stderr)}`);
    return performance.now() - started;
  };
  time(['bin/mailsetup.js', 'help']); // warm the file cache once
  for (let i = 0; i < runs; i++) {
    node.push(time(['-e', '0']));
    dist.push(time(['bin/mailsetup.js', 'help']));
    tsx.push(time(['--import', 'tsx', 'src/cli.ts', 'help']));
  }
  const nodeMs = median(node);
  const distMs = median(dist);
  const tsxMs = median(tsx);
  return {
    nodeMs: Math.round(nodeMs),
    distMs: Math.round(distMs),
    distRatio: round(distMs / nodeMs),
    tsxMs: Math.round(tsxMs),
    tsxRatio: round(tsxMs / nodeMs),
    runs,
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(measureCliColdStart(), null, 2));
