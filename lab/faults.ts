/**
 * Faults injected per lab endpoint. A fault matches a service and (optionally) a substring of the
 * request key (HTTP path, cmdlet name, JSON-RPC model.method, DNS name, SMTP stage) and fires
 * `times` times (default: always).
 */
export type LabServiceName = 'erp' | 'token' | 'graph' | 'exchange' | 'dns' | 'mx' | 'imap' | 'slack' | 'connector';

export type FaultKind =
  | { kind: 'latency'; ms: number }
  /** Never answers (the client's timeout must fire). */
  | { kind: 'timeout' }
  /** HTTP status (5xx, 429 with Retry-After seconds), or an SMTP/IMAP reply for mail services. */
  | { kind: 'status'; status: number; retryAfterSeconds?: number; body?: string }
  /** A 200 whose body is not what the protocol promises. */
  | { kind: 'malformed' }
  /** Closes the connection mid-conversation. */
  | { kind: 'close' };

export type Fault = FaultKind & {
  service: LabServiceName;
  match?: string;
  /** Only requests routed to this tenant (by name); unset: every tenant's. */
  tenant?: string;
  times?: number;
  /**
   * Fires only on the n-th write call (1-based) the service receives that matches, then is spent:
   * Exchange Set-/New-/Enable-/Disable-/Add-/Remove- cmdlets, ERP `write`/`create`/`unlink`/
   * `set_param` and buttons. Reads pass untouched (for partial-failure tests).
   */
  nthWrite?: number;
  /** Write calls seen so far by an `nthWrite` fault. */
  writesSeen?: number;
};

export interface RequestRecord {
  service: LabServiceName;
  /** Method + path, cmdlet name, `model.method`, DNS question, … */
  key: string;
  at: number;
  /** The tenant the request was routed to (absent before a tenant is known, e.g. an SMTP connect). */
  tenant?: string;
}

/** The part of the lab state every service writes to: faults to apply, requests to record. */
export interface LabTraffic {
  faults: Fault[];
  requests: RequestRecord[];
  /** Set when the request belongs to one tenant (a `LabState` is its tenant's traffic). */
  tenant?: { name: string };
}

/**
 * Records a request in `lab.requests`, then takes the first fault that matches it (see `takeFault`).
 * Every lab service sees its requests this way, so recording and fault matching use the same key.
 */
export function recordAndTakeFault(lab: LabTraffic, service: LabServiceName, key: string): Fault | undefined {
  const tenant = lab.tenant?.name;
  lab.requests.push(tenant === undefined ? { service, key, at: Date.now() } : { service, key, at: Date.now(), tenant });
  return takeFault(lab.faults, service, key, tenant);
}

const EXCHANGE_WRITE = /^(Set|New|Enable|Disable|Add|Remove)-/;
const ERP_WRITE = /\.(write|create|unlink|set_param|button_\w+|action_\w+|method_direct_trigger|fetch_mail|set_draft)$/;

/** Whether a request key is a write: an Exchange change cmdlet, or an ERP method that changes records. */
export function isWriteKey(service: LabServiceName, key: string): boolean {
  if (service === 'exchange') return EXCHANGE_WRITE.test(key);
  if (service === 'erp') return ERP_WRITE.test(key);
  return false;
}

/** Returns the first matching fault and counts it down; undefined when none applies. */
export function takeFault(faults: Fault[], service: LabServiceName, key: string, tenant?: string): Fault | undefined {
  const index = faults.findIndex((f) => {
    if (f.service !== service || (f.match !== undefined && !key.includes(f.match))) return false;
    if (f.tenant !== undefined && f.tenant !== tenant) return false;
    if (f.nthWrite === undefined) return true;
    if (!isWriteKey(service, key)) return false;
    f.writesSeen = (f.writesSeen ?? 0) + 1;
    return f.writesSeen === f.nthWrite;
  });
  if (index < 0) return undefined;
  const fault = faults[index] as Fault;
  if (fault.nthWrite !== undefined) {
    faults.splice(index, 1);
    return fault;
  }
  if (fault.times !== undefined) {
    fault.times -= 1;
    if (fault.times <= 0) faults.splice(index, 1);
  }
  return fault;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
