import { type DnsState, healthyDnsState } from './dns/state.js';
import type { ErpMailOps } from './erp/mail-ops.js';
import { noMailOps } from './erp/mail-ops.js';
import { type ErpState, healthyErpState } from './erp/state.js';
import type { Fault, RequestRecord } from './faults.js';
import { healthyMailState, type MailState } from './mail/state.js';
import { healthyMicrosoftState, type MicrosoftState } from './microsoft/state.js';
import { type LabTenant, labTenant } from './tenant.js';

/** The whole simulated world. Scenarios mutate a fresh healthy copy; services read it live. */
export interface LabState {
  tenant: LabTenant;
  microsoft: MicrosoftState;
  erp: ErpState;
  dns: DnsState;
  mail: MailState;
  /** Hostnames the lab's own clients (the ERP) resolve to loopback ports: MX host, IMAP host. */
  hosts: Record<string, { host: string; port: number }>;
  /** Set by the mail lab when it starts; the ERP uses it for real SMTP/IMAP. */
  mailOps: ErpMailOps;
  faults: Fault[];
  requests: RequestRecord[];
}

export function healthyState(now = Date.now()): LabState {
  const tenant = labTenant(now);
  return {
    tenant,
    microsoft: healthyMicrosoftState(tenant),
    erp: healthyErpState(tenant),
    dns: healthyDnsState(tenant),
    mail: healthyMailState(tenant),
    hosts: {},
    mailOps: noMailOps,
    faults: [],
    requests: [],
  };
}
