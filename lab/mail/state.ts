import type { LabTenant } from '../tenant.js';

/** Mailboxes and their messages (filled in by the mail work). */
// biome-ignore lint/suspicious/noEmptyInterface: placeholder until the mail lab lands
export interface MailState {}

export function healthyMailState(_t: LabTenant): MailState {
  return {};
}
