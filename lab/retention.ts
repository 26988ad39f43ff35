import type { LabTenants } from './tenants.js';

/** What a long-running lab keeps of its records (tests of a short lab see them all). */
export const KEEP_REQUESTS = 10_000;
export const KEEP_COMMANDS = 200;
/** A token this long past its expiry can no longer matter to anyone. */
const EXPIRED_FOR_MS = 3_600_000;

/** Trims the records a watched lab would otherwise grow without end: requests, received cmdlets, old tokens. */
export function trimRecords(tenants: LabTenants, now = Date.now()): void {
  const { requests } = tenants.traffic;
  if (requests.length > KEEP_REQUESTS) requests.splice(0, requests.length - KEEP_REQUESTS);
  for (const { microsoft } of tenants.all) {
    const commands = microsoft.receivedCommands;
    if (commands.length > KEEP_COMMANDS) commands.splice(0, commands.length - KEEP_COMMANDS);
    const tokens = microsoft.tokens;
    for (let i = tokens.length - 1; i >= 0; i--) if ((tokens[i]?.expiresAt ?? 0) < now - EXPIRED_FOR_MS) tokens.splice(i, 1);
  }
}
