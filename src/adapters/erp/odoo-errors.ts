import { redact } from '../../config/secret.js';
import { type ErrorCode, MailsetupError } from '../../errors.js';

/** An error the ERP reported: JSON-RPC `error.data` or a JSON-2 error body. */
export interface OdooErrorReport {
  /** The exception's dotted name, e.g. `odoo.exceptions.AccessError`. */
  name: string;
  message: string;
  /** JSON-2: the HTTP status. */
  httpStatus?: number;
}

export interface CallSite {
  /** `model.method`, or `common.authenticate`. */
  call: string;
  login: string;
  database: string;
}

/** The bot's own rights are the usual cause of an AccessError: say which right it needs and where. */
const RIGHTS_HINT =
  'Give the bot user the Settings right: Settings ▸ Users & Companies ▸ Users ▸ <login> ▸ Access Rights ▸ Administration: Settings.';

/**
 * Maps an ERP exception to a coded error, by exception name first (JSON-RPC always answers 200), then by
 * the HTTP status JSON-2 uses (401, 403, 404, 422). The ERP's message is kept; its traceback never is.
 */
export function classifyOdooError(report: OdooErrorReport, site: CallSite): MailsetupError {
  const message = oneLine(redact(report.message));
  const details = {
    erpError: report.name,
    erpMessage: message,
    call: site.call,
    ...(report.httpStatus ? { httpStatus: report.httpStatus } : {}),
  };
  const make = (code: ErrorCode, text: string, hint: string) => new MailsetupError(code, text, { hint, source: 'erp', details });
  const name = report.name;

  if (/database ".*" does not exist/.test(report.message)) {
    return make(
      'AuthFailed',
      `The ERP has no database "${site.database}".`,
      'Set tenants[].erp.database to the database name shown on the ERP login page (or in Settings ▸ About).',
    );
  }
  if (name.endsWith('.AccessDenied') || name.endsWith('.Unauthorized') || name.endsWith('SessionExpiredException')) {
    return make(
      'AuthFailed',
      `The ERP refused the bot's login "${site.login}" on database "${site.database}" (${message}).`,
      credentialsHint(site.login),
    );
  }
  if (name.endsWith('.AccessError') || name.endsWith('.Forbidden')) {
    return make(
      'InsufficientPermission',
      `The ERP user "${site.login}" may not call ${site.call}: ${firstParagraph(report.message)}`,
      RIGHTS_HINT.replace('<login>', site.login),
    );
  }
  if (name.endsWith('.MissingError')) {
    return make(
      'NotFound',
      `The ERP has no such record (${site.call}): ${message}`,
      'The record was deleted or never existed; check its id.',
    );
  }
  if (isMissingModelOrField(report)) {
    return make(
      'MissingModelOrField',
      `The ERP does not know what ${site.call} asked for: ${message}`,
      'A module is missing or this ERP version names it differently; check the installed modules (Apps) and the version.',
    );
  }
  if (isUserError(name) || report.httpStatus === 422) {
    return make(
      'RemoteUserError',
      `The ERP refused ${site.call}: ${message}`,
      'Read the ERP message above; it names the setting at fault.',
    );
  }
  if (report.httpStatus === 401) {
    // A 401 with a status is JSON-2, so 19+.
    return make('AuthFailed', `The ERP refused the bot's API key for "${site.login}" (${message}).`, credentialsHint(site.login, 19));
  }
  if (report.httpStatus === 403) {
    return make(
      'InsufficientPermission',
      `The ERP user "${site.login}" may not call ${site.call}: ${firstParagraph(report.message)}`,
      RIGHTS_HINT.replace('<login>', site.login),
    );
  }
  return make(
    'RemoteUserError',
    `The ERP failed on ${site.call} with ${shortName(name)}: ${message}`,
    'This is an error inside the ERP; its server log has the details.',
  );
}

/** How to give the bot working credentials, for the ERP's version when known (API keys from 14; JSON-2 on 19 needs one). */
export function credentialsHint(login: string, version?: number): string {
  const user = `In the ERP, open Settings ▸ Users & Companies ▸ Users ▸ ${login}`;
  const check = 'and check tenants[].erp.login and tenants[].erp.database.';
  if (version !== undefined && version < 14) return `${user}: set a new password; then put it in tenants[].erp.password ${check}`;
  if (version !== undefined && version >= 19) {
    return `${user} ▸ Preferences ▸ Account Security ▸ New API Key (JSON-2 needs one); then put it in tenants[].erp.apiKey ${check}`;
  }
  const keys =
    version === undefined
      ? 'or on 14+ Preferences ▸ Account Security ▸ New API Key (required on 19+)'
      : 'or Preferences ▸ Account Security ▸ New API Key';
  return `${user}: set a new password, ${keys}; then put it in tenants[].erp.password (or tenants[].erp.apiKey) ${check}`;
}

function isMissingModelOrField(report: OdooErrorReport): boolean {
  const m = report.message;
  return (
    /^Object \S+ doesn't exist/.test(m) ||
    /Invalid field/i.test(m) ||
    /model '[^']+' does not exist/i.test(m) ||
    /The method '[^']+' does not exist/i.test(m) ||
    report.name.endsWith('.NotFound') ||
    (report.httpStatus === 404 && !report.name.endsWith('.MissingError'))
  );
}

function isUserError(name: string): boolean {
  return /\.(UserError|ValidationError|RedirectWarning|except_orm|Warning|UnprocessableEntity)$/.test(name);
}

function shortName(name: string): string {
  return name.split('.').pop() ?? name;
}

/** The ERP's message on one line, without a traceback, bounded. */
function oneLine(text: string): string {
  const flat = (text.split('\nTraceback')[0] ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > 500 ? `${flat.slice(0, 500)}…` : flat;
}

/** An AccessError's first paragraph names the model; the rest ("allowed for the groups …") the hint says better. */
function firstParagraph(text: string): string {
  return oneLine(redact(text).split(/\n\s*\n/)[0] ?? '');
}
