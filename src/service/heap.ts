import { setFlagsFromString } from 'node:v8';

/**
 * How much V8 lets the heap grow past what was live at the last full collection, for the processes
 * that run for days (`start`, `watch`). V8's default factor is up to 4×: a watch cycle over 500
 * tenants keeps ~100 MB live, promotes each tenant run's answers (they live ~0.5 s, past the young
 * generation), and so the heap grew to 300 MB before the next full collection (peak RSS ~390 MB,
 * bench/watch-cycle.ts). At 1.5× the peak was ~250 MB with the same cycle time: full collections
 * of a 100 MB heap cost a few ms each. The flag is read at every collection, so setting it at start
 * takes effect (`NODE_OPTIONS` does not accept it).
 */
export const HEAP_GROWING_PERCENT = 50;

export function tuneHeapForService(): void {
  setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
