import type { LabTenant } from '../tenant.js';

/**
 * The lab ERP's records, with Odoo's field names, so scenarios read like the ERP's own forms
 * (`state.erp.mailServers[0].smtp_port = 587`). Empty char/many2one values are null here and `false`
 * on the wire. Fields that only exist on some versions are stored always and exposed by version
 * (see `models.ts`); `server_type` is served as `type` on 12–13.
 */

export type ErpUser = {
  id: number;
  login: string;
  name: string;
  email: string | null;
  /** The real password in the ERP (a scenario may change it). */
  password: string;
  /** Valid API keys (14+). */
  apiKeys: string[];
  /** xmlids, e.g. `base.group_system` (Administration: Settings). */
  groups: string[];
  active: boolean;
  company_id: number;
};

export type ModuleRecord = { id: number; name: string; shortdesc: string; state: string };

export type MailServerRecord = {
  id: number;
  name: string;
  smtp_host: string | null;
  smtp_port: number;
  smtp_encryption: string;
  smtp_user: string | null;
  smtp_pass: string | null;
  /** 15+. */
  smtp_authentication: string;
  /** 15+. */
  from_filter: string | null;
  sequence: number;
  active: boolean;
};

export type FetchmailServerRecord = {
  id: number;
  name: string;
  /** `type` on 12–13. */
  server_type: string;
  server: string | null;
  port: number | null;
  is_ssl: boolean;
  user: string | null;
  password: string | null;
  state: 'draft' | 'done';
  active: boolean;
  priority: number;
  date: string | null;
  /** 12–15 with microsoft_outlook. */
  use_microsoft_outlook_service: boolean;
  /** OCA fetchmail_notify_error_to_sender. */
  error_notice_template_id: number | null;
  /** 19+. */
  error_date: string | null;
  error_message: string | null;
};

export type ConfigParamRecord = { id: number; key: string; value: string };

export type AliasDomainRecord = {
  id: number;
  name: string;
  catchall_alias: string;
  bounce_alias: string;
  default_from: string;
  sequence: number;
};

export type CompanyRecord = { id: number; name: string; email: string | null; alias_domain_id: number | null };

export type TeamRecord = {
  id: number;
  name: string;
  active: boolean;
  alias_name: string | null;
  alias_contact: 'everyone' | 'partners' | 'followers';
  /** 16+. */
  alias_status: 'not_tested' | 'valid' | 'invalid';
  /** 17+. */
  alias_domain_id: number | null;
  alias_defaults: string;
};

export type TemplateRecord = { id: number; name: string; model: string; subject: string; email_from: string; email_to: string };

/** Sales / Administrator: the group that may delete leads (crm's ir.model.access). */
export const SALES_MANAGER_GROUP = 'sales_team.group_sale_manager';

export type LeadRecord = {
  id: number;
  name: string;
  email_from: string | null;
  team_id: number | null;
  type: 'lead' | 'opportunity';
  create_date: string;
  description: string | null;
  active?: boolean;
  tag_ids?: number[];
};

export type TagRecord = { id: number; name: string };

export type MessageRecord = {
  id: number;
  message_id: string;
  model: string | null;
  res_id: number | null;
  subject: string | null;
  email_from: string | null;
  date: string;
  body: string;
  message_type: string;
};

export type MailRecord = {
  id: number;
  subject: string;
  email_from: string;
  email_to: string;
  state: 'outgoing' | 'sent' | 'exception';
  failure_reason: string | null;
  mail_server_id: number | null;
  auto_delete: boolean;
};

export type CronRecord = {
  id: number;
  name: string;
  active: boolean;
  interval_number: number;
  interval_type: string;
  lastcall: string | null;
  nextcall: string;
  code: string;
};

export type ModelDataRecord = { id: number; module: string; name: string; model: string; res_id: number };

export interface ErpState {
  /** Major version: 16 by default (JSON-RPC); 17 adds `mail.alias.domain`; 19 adds JSON-2. */
  version: number;
  /** Overrides the reported version string (`saas~17.2`, `17.0+e`). */
  serverVersion?: string;
  /** false: nothing listens at the ERP's address (connections are refused). */
  reachable: boolean;
  database: string;
  /** The ERP's public URL as the bot is told it (`tenants[].erp.publicUrl`). */
  publicUrl: string;
  /** The credentials the bot was given (written into its config); the user's real ones live in `users`. */
  bot: { login: string; password: string; apiKey: string };
  users: ErpUser[];
  modules: ModuleRecord[];
  mailServers: MailServerRecord[];
  fetchmailServers: FetchmailServerRecord[];
  params: ConfigParamRecord[];
  /** 17+. */
  aliasDomains: AliasDomainRecord[];
  companies: CompanyRecord[];
  teams: TeamRecord[];
  templates: TemplateRecord[];
  leads: LeadRecord[];
  tags: TagRecord[];
  messages: MessageRecord[];
  mails: MailRecord[];
  crons: CronRecord[];
  modelData: ModelDataRecord[];
  /** When set, the lab runs the fetch cron itself every N ms while the cron record is active. */
  cronIntervalMs?: number;
  /** What the ERP writes to its server log (fetch failures on 12–16 end up only here). */
  serverLog: string[];
  nextId: number;
}

export const NOTIFY_MODULE = 'fetchmail_notify_error_to_sender';
export const ERROR_NOTICE_TEMPLATE = 'Fetchmail - error notice';
export const FETCH_CRON_NAME = 'Mail: Fetchmail Service';

/** Odoo's datetime format (UTC, no zone). */
export function odooDate(ms: number): string {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

export function healthyErpState(t: LabTenant): ErpState {
  const [catchallAlias, domain] = t.catchallMailbox.split('@') as [string, string];
  const mxHost = `${t.domain.replace(/\./g, '-')}.mail.protection.outlook.com`;
  const bot = { login: 'mailsetup-bot', password: t.secrets.erpBotPassword, apiKey: t.secrets.erpBotApiKey };
  const now = odooDate(t.now);
  return {
    version: 16,
    reachable: true,
    database: `${t.name}-prod`,
    publicUrl: `https://erp.${t.domain}`,
    bot,
    users: [
      {
        id: 2,
        login: 'admin',
        name: 'Mitchell Admin',
        email: `admin@${domain}`,
        password: t.secrets.erpAdminPassword,
        apiKeys: [],
        groups: ['base.group_user', 'base.group_system'],
        active: true,
        company_id: 1,
      },
      {
        id: 7,
        login: bot.login,
        name: 'mailsetup bot',
        email: `${bot.login}@${domain}`,
        password: bot.password,
        apiKeys: [bot.apiKey],
        groups: ['base.group_user', 'base.group_system', SALES_MANAGER_GROUP],
        active: true,
        company_id: 1,
      },
    ],
    modules: [
      { id: 1, name: 'base', shortdesc: 'Base', state: 'installed' },
      { id: 2, name: 'mail', shortdesc: 'Discuss', state: 'installed' },
      { id: 3, name: 'crm', shortdesc: 'CRM', state: 'installed' },
      { id: 5, name: 'microsoft_outlook', shortdesc: 'Microsoft Outlook', state: 'installed' },
      { id: 6, name: 'fetchmail_notify_error_to_sender', shortdesc: 'Fetchmail Notify Error to Sender', state: 'installed' },
    ],
    mailServers: [
      {
        id: 1,
        name: 'Exchange Online (connector)',
        smtp_host: mxHost,
        smtp_port: 25,
        smtp_encryption: 'starttls',
        smtp_user: null,
        smtp_pass: null,
        smtp_authentication: 'login',
        from_filter: domain,
        sequence: 10,
        active: true,
      },
    ],
    fetchmailServers: [
      {
        id: 1,
        name: 'Catch-all mailbox',
        server_type: 'outlook',
        server: 'outlook.office365.com',
        port: 993,
        is_ssl: true,
        user: t.catchallMailbox,
        password: null,
        state: 'done',
        active: true,
        priority: 5,
        date: null,
        use_microsoft_outlook_service: true,
        error_notice_template_id: 30,
        error_date: null,
        error_message: null,
      },
    ],
    params: [
      { id: 1, key: 'web.base.url', value: `https://erp.${t.domain}` },
      { id: 2, key: 'web.base.url.freeze', value: 'True' },
      { id: 3, key: 'mail.catchall.domain', value: domain },
      { id: 4, key: 'mail.catchall.alias', value: catchallAlias },
      { id: 5, key: 'mail.bounce.alias', value: 'bounce' },
      { id: 6, key: 'mail.default.from', value: 'notifications' },
      { id: 7, key: 'database.uuid', value: '4f1c0b8e-3f7a-11ee-9c1d-0242ac120002' },
    ],
    aliasDomains: [
      { id: 1, name: domain, catchall_alias: catchallAlias, bounce_alias: 'bounce', default_from: 'notifications', sequence: 10 },
    ],
    companies: [{ id: 1, name: t.company, email: `info@${domain}`, alias_domain_id: 1 }],
    teams: [
      {
        id: 1,
        name: 'Sales',
        active: true,
        alias_name: t.salesAlias,
        alias_contact: 'everyone',
        alias_status: 'valid',
        alias_domain_id: 1,
        alias_defaults: "{'type': 'lead', 'team_id': 1}",
      },
      {
        id: 2,
        name: 'Website',
        active: true,
        alias_name: null,
        alias_contact: 'everyone',
        alias_status: 'not_tested',
        alias_domain_id: 1,
        alias_defaults: "{'type': 'opportunity', 'team_id': 2}",
      },
    ],
    templates: [
      {
        id: 30,
        name: ERROR_NOTICE_TEMPLATE,
        model: 'mail.thread',
        subject: 'Receiving error with: {{ object.subject }}',
        email_from: "{{ ctx['sender_message'].get('to') }}",
        email_to: "{{ ctx['sender_message'].get('from') }}",
      },
    ],
    leads: [],
    tags: [],
    messages: [],
    mails: [],
    crons: [
      {
        id: 12,
        name: FETCH_CRON_NAME,
        active: true,
        interval_number: 5,
        interval_type: 'minutes',
        lastcall: null,
        nextcall: now,
        code: 'model._fetch_mails()',
      },
    ],
    modelData: [
      { id: 501, module: 'mail', name: 'ir_cron_mail_gateway_action', model: 'ir.cron', res_id: 12 },
      { id: 502, module: NOTIFY_MODULE, name: 'email_template_error_notice', model: 'mail.template', res_id: 30 },
    ],
    serverLog: [],
    nextId: 1000,
  };
}

/** Puts the healthy records in the shape of another version (field names aside, which `models.ts` handles). */
export function setErpVersion(erp: ErpState, version: number): void {
  erp.version = version;
  const cron = erp.modelData.find((d) => d.name === 'ir_cron_mail_gateway_action');
  // The fetchmail model and its cron moved into `mail` in 16.
  if (cron) cron.module = version >= 16 ? 'mail' : 'fetchmail';
  erp.modules = erp.modules.filter((m) => m.name !== 'fetchmail');
  if (version < 16) erp.modules.push({ id: 4, name: 'fetchmail', shortdesc: 'Fetchmail', state: 'installed' });
  if (version < 16) {
    // No `outlook` server type before 16: OAuth is the microsoft_outlook flag on an IMAP server.
    for (const s of erp.fetchmailServers) if (s.server_type === 'outlook') s.server_type = 'imap';
  }
}
