import type { Report } from './result.js';

/** One outside read as the engine saw it: which source, how long, and the error code when it failed. */
export interface FetchEvent {
  /** The source key (`erp.outgoing-servers`); its first part names the service. */
  source: string;
  durationMs: number;
  /** The MailsetupError code (`AdapterTimeout`, `AuthFailed`, …) when the read failed. */
  errorCode?: string;
}

/**
 * Watches runs without taking part in them: the service counts and logs what it is told here
 * (metrics, one log line per outside failure). Commands find it on the Core; a watch run passes its own.
 */
export interface RunObserver {
  fetched(event: FetchEvent): void;
  reported(report: Report): void;
}
