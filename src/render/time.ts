/**
 * A time as a person reads it, with its zone and age: "02:43 UTC, 3 min ago"; a day other than
 * today gets its date ("4 May 2026, 09:30 UTC, 2 days ago").
 */
export function personTime(iso: string, now: Date = new Date(), options: { age?: boolean } = {}): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  const clock = `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())} UTC`;
  const sameDay = at.toISOString().slice(0, 10) === now.toISOString().slice(0, 10);
  const day = sameDay ? '' : `${at.getUTCDate()} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}, `;
  return options.age === false ? `${day}${clock}` : `${day}${clock}, ${age(now.getTime() - at.getTime())}`;
}

/** "just now", "3 min ago", "2 h ago", "5 days ago"; a time ahead of the clock is "in 3 min". */
export function age(ms: number): string {
  const ahead = ms < 0;
  const abs = Math.abs(ms);
  const minutes = Math.floor(abs / 60_000);
  if (minutes < 1) return 'just now';
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  const amount = days >= 1 ? `${days} day${days === 1 ? '' : 's'}` : hours >= 1 ? `${hours} h` : `${minutes} min`;
  return ahead ? `in ${amount}` : `${amount} ago`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const pad = (n: number) => String(n).padStart(2, '0');

/** A duration as a person reads it: "840 ms", "1.8 s". */
export function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
