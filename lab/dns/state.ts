import type { LabTenant } from '../tenant.js';

/** The lab's DNS zone (filled in by the DNS work). */
// biome-ignore lint/suspicious/noEmptyInterface: placeholder until the DNS lab lands
export interface DnsState {}

export function healthyDnsState(_t: LabTenant): DnsState {
  return {};
}
