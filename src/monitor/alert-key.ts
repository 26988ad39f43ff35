import type { CheckResult } from '../engine/result.js';
import type { AlertKind } from './contract.js';

/** What an alert is about: `fail` — a check on a target; `error` — the cause that stops the bot from checking. */
export interface AlertKey {
  kind: AlertKind;
  /** `<check-id>/<target>` or `<source>/<error class>`. */
  key: string;
  checkId: string;
  target: string;
}

/** The resource a result is about (its id, else its name), `-` when it names none. */
export function targetOf(result: CheckResult): string {
  return result.resource?.id ?? result.resource?.name ?? '-';
}

export function failKey(result: CheckResult): AlertKey {
  const target = targetOf(result);
  return { kind: 'fail', key: `${result.id}/${target}`, checkId: result.id, target };
}

/** The outside service behind an `error`: the adapter's `source`, else the check's area. */
export function errorSource(result: CheckResult): string {
  const source = result.observed.source;
  return typeof source === 'string' && source ? source : result.area;
}

/** The class of an `error` (refused connection, sign-in refused, no permission, timeout...). */
export function errorClass(result: CheckResult): string {
  const code = typeof result.observed.errorCode === 'string' ? result.observed.errorCode : (result.skipReason ?? 'unknown');
  const network = typeof result.observed.networkError === 'string' ? result.observed.networkError : undefined;
  return network ? `${code}:${network}` : code;
}

/**
 * Errors that share one cause are one alert: the key is the service and the error class, not the
 * check ("contoso: cannot check the ERP (connection refused)" for every ERP check that erred).
 */
export function errorKey(result: CheckResult): AlertKey {
  const source = errorSource(result);
  const cls = errorClass(result);
  return { kind: 'error', key: `${source}/${cls}`, checkId: result.id, target: source };
}

/** The key of a whole run that did not finish (deadline, could not start). */
export const RUN_ERROR_KEY: Omit<AlertKey, 'checkId'> & { checkId: string } = {
  kind: 'error',
  key: 'watch/run',
  checkId: 'watch-run',
  target: 'watch',
};

const SERVICES: Record<string, string> = {
  erp: 'the ERP',
  exchange: 'Exchange Online',
  graph: 'Microsoft Graph',
  entra: 'Microsoft Entra',
  microsoft: 'Microsoft 365',
  dns: 'DNS',
  imap: 'the catch-all mailbox (IMAP)',
  smtp: 'the mail server (SMTP)',
  mailflow: 'the mail flow',
  watch: 'the tenant',
};

const NETWORK: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  ETIMEDOUT: 'timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  CERT_HAS_EXPIRED: 'certificate expired',
};

const CLASSES: Record<string, string> = {
  AuthFailed: 'sign-in refused',
  InsufficientPermission: 'permission refused',
  AdapterTimeout: 'timed out',
  AdapterUnavailable: 'unreachable',
  AdapterThrottled: 'throttled',
  GarbledResponse: 'unreadable answer',
  ConnectionLost: 'connection lost',
  MissingModelOrField: 'missing model or field',
  RemoteUserError: 'refused the request',
  NotFound: 'not found',
};

/** "the ERP", "Exchange Online". */
export function serviceName(source: string): string {
  return SERVICES[source] ?? source;
}

/** "connection refused", "sign-in refused". */
export function className(cls: string): string {
  const [code = '', network] = cls.split(':');
  if (network && NETWORK[network]) return NETWORK[network];
  return CLASSES[code] ?? code.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}
