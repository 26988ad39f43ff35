/** The result model of DESIGN §3. */

export type CheckStatus = 'pass' | 'warn' | 'fail' | 'error' | 'skip';

/**
 * Why a check was skipped, or (for `error`) why it could not tell.
 * `insufficient-permission` goes with `error`: the bot could not read, which never reads as `fail`.
 */
export type SkipReason = 'not-configured' | 'dependency-failed' | 'insufficient-permission' | 'not-applicable';

export type Area = 'erp' | 'exchange' | 'entra' | 'dns' | 'mailflow';
export const AREAS: readonly Area[] = ['exchange', 'entra', 'dns', 'erp', 'mailflow'];

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface ResourceRef {
  /** e.g. `ir.mail_server`, `InboundConnector`, `TransportRule`, `MX record`. */
  kind: string;
  id?: string;
  name?: string;
}

export interface Remediation {
  /** Steps by hand, in the console the admin knows. */
  manual: string;
  /** The equivalent command (cmdlet, DNS record, ERP menu path), if any. */
  command?: string;
}

/** A likely cause mapped from a reply code / error text to the setup step at fault. */
export interface MappedCause {
  /** The code or text matched, e.g. `5.7.64`. */
  code: string;
  /** The check id of the step that causes it. */
  checkId: string;
  explanation: string;
  fix: string;
}

/** What a check's run returns. The engine adds identity and timing. */
export interface Verdict {
  status: CheckStatus;
  skipReason?: SkipReason;
  /** One plain sentence. */
  detail: string;
  observed?: Record<string, unknown>;
  expected?: Record<string, unknown>;
  resource?: ResourceRef;
  remediation?: Remediation;
  cause?: MappedCause;
}

export interface CheckResult extends Verdict {
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  fixable: boolean;
  tenant: string;
  observed: Record<string, unknown>;
  expected: Record<string, unknown>;
  durationMs: number;
}

export interface Summary {
  total: number;
  pass: number;
  warn: number;
  fail: number;
  error: number;
  skip: number;
  /** Ids of checks that are `fail` or `error`, in catalogue order. */
  failing: string[];
  /** Ids of checks that are `warn`. */
  warning: string[];
  /** True when nothing is `fail` or `error`. */
  ok: boolean;
}

export interface Report {
  tenant: string;
  domain: string;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
  summary: Summary;
}

export function summarize(checks: readonly CheckResult[]): Summary {
  const s: Summary = { total: checks.length, pass: 0, warn: 0, fail: 0, error: 0, skip: 0, failing: [], warning: [], ok: true };
  for (const c of checks) {
    s[c.status] += 1;
    if (c.status === 'fail' || c.status === 'error') s.failing.push(c.id);
    if (c.status === 'warn') s.warning.push(c.id);
  }
  s.ok = s.fail === 0 && s.error === 0;
  return s;
}
