/**
 * The ERP port (Odoo's external API, versions 12–19). Low-level calls speak the model/method
 * language; the higher-level reads return records normalised across versions (e.g. `type` on
 * 12–13 vs `server_type` on 14+ → `serverType`) and keep the raw record (never a password) in `raw`.
 * Every method throws a coded `MailsetupError` on failure.
 */

/** `json-rpc` (`/jsonrpc`, 12–19) or `json-2` (`/json/2/<model>/<method>`, bearer API key, 19+). */
export type ErpApi = 'json-rpc' | 'json-2';

export interface ErpVersion {
  /** As the ERP reports it: `16.0`, `17.0+e`, `saas~17.2`. */
  serverVersion: string;
  major: number;
  minor: number;
  /** `server_version_info` as sent. */
  info: readonly unknown[];
}

export interface ErpSession {
  version: ErpVersion;
  api: ErpApi;
  uid: number;
  login: string;
  /** The bot user's name and email (12–14 use that email as MAIL FROM in Test Connection). */
  userName: string | null;
  userEmail: string | null;
  database: string;
}

/** An Odoo domain: prefix operators `&`, `|`, `!` and `[field, operator, value]` terms. */
export type DomainTerm = '&' | '|' | '!' | readonly [string, string, unknown];
export type Domain = readonly DomainTerm[];

export interface SearchReadOptions {
  limit?: number;
  offset?: number;
  order?: string;
  context?: Record<string, unknown>;
}

/** One entry of `fields_get`. */
export interface ErpFieldInfo {
  type?: string;
  string?: string;
  /** `[[value, label], …]` for selection fields. */
  selection?: [string, string][];
  relation?: string;
  required?: boolean;
  readonly?: boolean;
  [attribute: string]: unknown;
}

export type ErpRecord = Record<string, unknown> & { id: number };

export interface ErpModuleState {
  name: string;
  /** `installed`, `uninstalled`, `to install`, `to upgrade`, … or `absent` when the ERP does not know the module. */
  state: string;
}

export interface ErpOutgoingServer {
  id: number;
  name: string;
  smtpHost: string;
  smtpPort: number;
  smtpEncryption: string;
  smtpUser: string | null;
  /** `login` / `certificate` / `outlook` (15+); null before 15. */
  smtpAuthentication: string | null;
  active: boolean;
  sequence: number;
  /** 15+; null when empty or when the version has no such field. */
  fromFilter: string | null;
  /** The record as read, field names of this version, without `smtp_pass`. */
  raw: Record<string, unknown>;
}

export interface ErpIncomingServer {
  id: number;
  name: string;
  /** `type` (12–13) or `server_type` (14+), normalised: `imap`, `pop`, `local`, `outlook`, … */
  serverType: string;
  host: string | null;
  port: number | null;
  isSsl: boolean;
  user: string | null;
  /** `draft` or `done` (confirmed). */
  state: string;
  active: boolean;
  /** 12–15 OAuth flag of `microsoft_outlook`; null when the field does not exist. */
  useMicrosoftOutlookService: boolean | null;
  /** The OCA module's `error_notice_template_id`; undefined when the field does not exist. */
  errorNoticeTemplate: { id: number; name: string } | null | undefined;
  /** Last fetch date (not proof that the fetch worked). */
  lastFetch: string | null;
  /** 19+: the last fetch error. */
  errorMessage: string | null;
  raw: Record<string, unknown>;
}

export interface ErpIncomingServers {
  servers: ErpIncomingServer[];
  /** The raw field name of the type: `type` (12–13) or `server_type` (14+). */
  typeField: 'type' | 'server_type';
  /** Selection values of the type field, from `fields_get` (`outlook` only with microsoft_outlook on 16+). */
  serverTypes: string[];
  hasErrorNoticeField: boolean;
}

export interface ErpAliasDomain {
  id: number;
  name: string;
  catchallAlias: string | null;
  bounceAlias: string | null;
  defaultFrom: string | null;
  raw: Record<string, unknown>;
}

/** `mail.alias.domain` (17+) and which one each company uses. */
export interface ErpAliasDomains {
  domains: ErpAliasDomain[];
  companies: { id: number; name: string; aliasDomainId: number | null }[];
}

export interface ErpSalesTeam {
  id: number;
  name: string;
  aliasName: string | null;
  aliasContact: string | null;
  /** 16+: `not_tested` / `valid` / `invalid`; null before 16. */
  aliasStatus: string | null;
  /** 17+: the alias domain name. */
  aliasDomain: string | null;
  raw: Record<string, unknown>;
}

export interface ErpSalesTeams {
  /** Teams whose name equals the configured sales team. */
  byName: ErpSalesTeam[];
  /** Teams whose alias name equals the configured sales alias. */
  byAlias: ErpSalesTeam[];
}

/** The outcome of a button the ERP runs itself (Test Connection, Test & Confirm, fetch). */
export interface ErpActionOutcome {
  ok: boolean;
  /** The ERP's own text: its notification, or the UserError it raised. */
  message: string;
  /** The raw return value (a client action, `true`, …) when it did not raise. */
  returned?: unknown;
}

export interface ErpMessageRef {
  id: number;
  messageId: string;
  model: string | null;
  resId: number | null;
  date: string | null;
  subject: string | null;
}

export interface ErpLead {
  id: number;
  name: string;
  emailFrom: string | null;
  team: { id: number; name: string } | null;
  type: string | null;
  createDate: string | null;
  raw: Record<string, unknown>;
}

/** What test-email left in the ERP: the leads its mails became and their `mail.message`s. */
export interface ErpTestRecords {
  leads: { id: number; name: string; active: boolean }[];
  messages: { id: number; model: string | null; resId: number | null }[];
}

/** A change the bot asked for: done, or refused with the ERP's own text (an AccessError). */
export type ErpChangeOutcome = { ok: true } | { ok: false; message: string };

export interface ErpFetchCron {
  id: number;
  xmlid: string;
  active: boolean;
  lastCall: string | null;
  nextCall: string | null;
  intervalNumber: number | null;
  intervalType: string | null;
}

export interface ErpPort {
  /** Detects the version without logging in (`/web/webclient/version_info`, else `/web/version`). Memoised. */
  version(signal?: AbortSignal): Promise<ErpVersion>;
  /** Logs in once per adapter instance (JSON-RPC `authenticate`, JSON-2 `res.users/context_get`). Memoised. */
  login(signal?: AbortSignal): Promise<ErpSession>;

  searchRead(
    model: string,
    domain: Domain,
    fields: readonly string[],
    options?: SearchReadOptions & { signal?: AbortSignal },
  ): Promise<ErpRecord[]>;
  read(
    model: string,
    ids: readonly number[],
    fields: readonly string[],
    options?: { context?: Record<string, unknown>; signal?: AbortSignal },
  ): Promise<ErpRecord[]>;
  fieldsGet(model: string, attributes?: readonly string[], signal?: AbortSignal): Promise<Record<string, ErpFieldInfo>>;
  /** Any public method; `ids` undefined for `@api.model` methods. */
  call(
    model: string,
    method: string,
    ids: readonly number[] | undefined,
    kwargs?: Record<string, unknown>,
    signal?: AbortSignal,
  ): Promise<unknown>;
  /** `write(ids, vals)`: true, or the ERP's AccessError / ValidationError as a coded error. */
  write(model: string, ids: readonly number[], vals: Record<string, unknown>, signal?: AbortSignal): Promise<boolean>;
  /** `create(vals)`: the new record's id. */
  create(model: string, vals: Record<string, unknown>, signal?: AbortSignal): Promise<number>;

  installedModules(names: readonly string[], signal?: AbortSignal): Promise<ErpModuleState[]>;
  /** Active and archived servers, by sequence. */
  outgoingServers(signal?: AbortSignal): Promise<ErpOutgoingServer[]>;
  incomingServers(signal?: AbortSignal): Promise<ErpIncomingServers>;
  /** `ir.config_parameter` values by key; null when the key is not set. */
  systemParams(keys: readonly string[], signal?: AbortSignal): Promise<Record<string, string | null>>;
  /** `mail.alias.domain` (17+); null on versions without the model. */
  aliasDomains(signal?: AbortSignal): Promise<ErpAliasDomains | null>;
  salesTeams(teamName: string, aliasName: string, signal?: AbortSignal): Promise<ErpSalesTeams>;
  fetchCron(signal?: AbortSignal): Promise<ErpFetchCron | null>;

  /** The ERP's own "Test Connection" (12–13's "Succeeded" UserError counts as success). */
  testOutgoingServer(id: number, signal?: AbortSignal): Promise<ErpActionOutcome>;
  /** The ERP's own "Test & Confirm" (`button_confirm_login`). */
  testIncomingServer(id: number, signal?: AbortSignal): Promise<ErpActionOutcome>;
  /** `fetch_mail` on one server (12–16 swallow connection errors; 17+ raise). */
  fetchMail(serverId: number, signal?: AbortSignal): Promise<ErpActionOutcome>;
  /** Runs the fetchmail cron now (`ir.cron.method_direct_trigger`). */
  triggerFetchCron(signal?: AbortSignal): Promise<ErpActionOutcome>;
  /** `mail.message` by its Message-Id (with or without angle brackets). */
  findMessageByMessageId(messageId: string, signal?: AbortSignal): Promise<ErpMessageRef | undefined>;
  readLead(id: number, signal?: AbortSignal): Promise<ErpLead | undefined>;

  /** The records test mails left: messages by Message-Id, the leads they point at, and leads named with a token (archived too). */
  findTestRecords(messageIds: readonly string[], tokens: readonly string[], signal?: AbortSignal): Promise<ErpTestRecords>;
  /** `unlink`; a refusal for the bot's rights is an outcome, not an error. */
  deleteRecords(model: string, ids: readonly number[], signal?: AbortSignal): Promise<ErpChangeOutcome>;
  /** Archives leads (`active=False`) and tags them `tag` (created if missing), for when they may not be deleted. */
  archiveLeads(ids: readonly number[], tag: string, signal?: AbortSignal): Promise<ErpChangeOutcome>;
}

/** The protocol-level part of the port; the higher-level reads are built on it (`reads.ts`). */
export type ErpCore = Pick<ErpPort, 'version' | 'login' | 'searchRead' | 'read' | 'fieldsGet' | 'call' | 'write' | 'create'>;
