/**
 * Flapping, as Nagios measures it: the weighted percentage of state changes over the recent
 * results of one alert key (at most 20, oldest first). Newer changes weigh more (0.8 → 1.2), so a
 * check that has settled stops counting as flapping sooner.
 *
 * Thresholds (with hysteresis): a key starts flapping at ≥ 40 % and stops below 20 %. A single
 * incident (… pass, fail, fail, pass …) over 20 results is about 10 %; fail/pass every run is 100 %.
 * At least 6 results are needed before a key can be called flapping.
 */
export const FLAP_START_PERCENT = 40;
export const FLAP_STOP_PERCENT = 20;
export const FLAP_MIN_RESULTS = 6;

export function stateChangePercent(results: readonly boolean[]): number {
  const n = results.length;
  if (n < 2) return 0;
  let weighted = 0;
  for (let i = 1; i < n; i++) {
    if (results[i] === results[i - 1]) continue;
    weighted += n === 2 ? 1 : 0.8 + (0.4 * (i - 1)) / (n - 2);
  }
  return (weighted / (n - 1)) * 100;
}

/** Whether the key is flapping now, given whether it was (hysteresis). */
export function isFlapping(results: readonly boolean[], wasFlapping: boolean): boolean {
  if (results.length < FLAP_MIN_RESULTS) return false;
  const percent = stateChangePercent(results);
  return wasFlapping ? percent >= FLAP_STOP_PERCENT : percent >= FLAP_START_PERCENT;
}
