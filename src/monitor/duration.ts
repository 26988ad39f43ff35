/** Snoozes and pauses end: at most 7 days, never a permanent mute. */
export const MAX_SNOOZE_MS = 7 * 24 * 60 * 60_000;

export { formatDuration, parseDuration } from '../config/duration.js';
