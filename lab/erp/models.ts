import { type ErpState, NOTIFY_MODULE, SALES_MANAGER_GROUP } from './state.js';

/**
 * Which models and fields the lab ERP exposes, by version and installed modules — what `fields_get`
 * answers and what `read`/`search_read`/`write` accept. Records live in `ErpState`.
 */

export type Rec = { id: number } & Record<string, unknown>;

export type FieldType = 'char' | 'text' | 'integer' | 'boolean' | 'selection' | 'many2one' | 'many2many' | 'datetime';

export interface FieldSpec {
  name: string;
  type: FieldType;
  string: string;
  selection?: [string, string][];
  relation?: string;
  /** The key in the state record when it differs (`type` on 12–13 is stored as `server_type`). */
  store?: string;
  required?: boolean;
  readonly?: boolean;
}

export interface ModelSpec {
  name: string;
  /** Odoo's `_description`, used in AccessError texts. */
  description: string;
  /** First version with the model. */
  since?: number;
  /** A group needed for any access (AccessError otherwise). */
  group?: { xmlid: string; label: string };
  /** A group needed to delete (`unlink`), when its ACL grants that to fewer users than reading. */
  unlinkGroup?: { xmlid: string; label: string };
  /** A `mail.thread`: deleting a record deletes its messages. */
  thread?: boolean;
  /** A group needed to write or create, when reading is open to every user (Odoo's ir.model.access). */
  writeGroup?: { xmlid: string; label: string };
  order: string;
  records(erp: ErpState): Rec[];
  fields(erp: ErpState): FieldSpec[];
}

const SETTINGS = { xmlid: 'base.group_system', label: 'Administration/Settings' };
const ACCESS_RIGHTS = { xmlid: 'base.group_erp_manager', label: 'Administration/Access Rights' };

export function isInstalled(erp: ErpState, module: string): boolean {
  return erp.modules.some((m) => m.name === module && (m.state === 'installed' || m.state === 'to upgrade'));
}

const char = (name: string, string: string, extra: Partial<FieldSpec> = {}): FieldSpec => ({ name, type: 'char', string, ...extra });
const int = (name: string, string: string): FieldSpec => ({ name, type: 'integer', string });
const bool = (name: string, string: string): FieldSpec => ({ name, type: 'boolean', string });
const date = (name: string, string: string): FieldSpec => ({ name, type: 'datetime', string, readonly: true });
const m2o = (name: string, string: string, relation: string): FieldSpec => ({ name, type: 'many2one', string, relation });
const sel = (name: string, string: string, selection: [string, string][], extra: Partial<FieldSpec> = {}): FieldSpec => ({
  name,
  type: 'selection',
  string,
  selection,
  ...extra,
});

const when = (condition: boolean, ...fields: FieldSpec[]): FieldSpec[] => (condition ? fields : []);

export const MODELS: readonly ModelSpec[] = [
  {
    name: 'ir.mail_server',
    description: 'Mail Server',
    group: SETTINGS,
    order: 'sequence, id',
    records: (e) => e.mailServers,
    fields: (e) => [
      char('name', 'Name', { required: true }),
      char('smtp_host', 'SMTP Server', { required: e.version < 19 }),
      int('smtp_port', 'SMTP Port'),
      sel('smtp_encryption', 'Connection Encryption', [
        ['none', 'None'],
        ['starttls', 'TLS (STARTTLS)'],
        ['ssl', 'SSL/TLS'],
      ]),
      char('smtp_user', 'Username'),
      char('smtp_pass', 'Password'),
      int('sequence', 'Priority'),
      bool('active', 'Active'),
      ...when(
        e.version >= 15,
        char('from_filter', 'FROM Filtering'),
        sel('smtp_authentication', 'Authenticate with', [
          ['login', 'Username'],
          ['certificate', 'SSL Certificate'],
          ...(e.version >= 16 && isInstalled(e, 'microsoft_outlook')
            ? [['outlook', 'Outlook OAuth Authentication'] as [string, string]]
            : []),
        ]),
      ),
    ],
  },
  {
    name: 'fetchmail.server',
    description: 'Incoming Mail Server',
    group: SETTINGS,
    order: 'priority, id',
    records: (e) => e.fetchmailServers,
    fields: (e) => {
      const outlook = isInstalled(e, 'microsoft_outlook');
      const types: [string, string][] = [
        ['pop', 'POP Server'],
        ['imap', 'IMAP Server'],
        ['local', 'Local Server'],
        ...(e.version >= 16 && outlook ? [['outlook', 'Outlook Oauth Authentication'] as [string, string]] : []),
      ];
      return [
        char('name', 'Name', { required: true }),
        bool('active', 'Active'),
        sel(
          'state',
          'Status',
          [
            ['draft', 'Not Confirmed'],
            ['done', 'Confirmed'],
          ],
          { readonly: true },
        ),
        char('server', 'Server Name'),
        int('port', 'Port'),
        // 12–13 call the type `type`; 14+ `server_type`.
        e.version >= 14
          ? sel('server_type', 'Server Type', types, { required: true })
          : sel('type', 'Server Type', types, { required: true, store: 'server_type' }),
        bool('is_ssl', 'SSL/TLS'),
        char('user', 'Username'),
        char('password', 'Password'),
        int('priority', 'Server Priority'),
        date('date', 'Last Fetch Date'),
        ...when(e.version <= 15 && outlook, bool('use_microsoft_outlook_service', 'Outlook Authentication')),
        ...when(isInstalled(e, NOTIFY_MODULE), m2o('error_notice_template_id', 'Error notice template', 'mail.template')),
        ...when(e.version >= 19, date('error_date', 'Last Error Date'), {
          name: 'error_message',
          type: 'text',
          string: 'Last Error Message',
          readonly: true,
        }),
      ];
    },
  },
  {
    name: 'ir.config_parameter',
    description: 'System Parameter',
    group: SETTINGS,
    order: 'key',
    records: (e) => e.params,
    fields: () => [char('key', 'Key', { required: true }), { name: 'value', type: 'text', string: 'Value', required: true }],
  },
  {
    name: 'ir.module.module',
    description: 'Module',
    writeGroup: SETTINGS,
    order: 'name',
    records: (e) => e.modules,
    fields: () => [
      char('name', 'Technical Name', { readonly: true }),
      char('shortdesc', 'Module Name', { readonly: true }),
      sel(
        'state',
        'Status',
        [
          ['uninstallable', 'Uninstallable'],
          ['uninstalled', 'Not Installed'],
          ['installed', 'Installed'],
          ['to upgrade', 'To be upgraded'],
          ['to remove', 'To be removed'],
          ['to install', 'To be installed'],
        ],
        { readonly: true },
      ),
    ],
  },
  {
    name: 'res.users',
    description: 'User',
    order: 'login',
    records: (e) => e.users,
    fields: () => [
      char('login', 'Login', { required: true }),
      char('name', 'Name'),
      char('email', 'Email'),
      bool('active', 'Active'),
      m2o('company_id', 'Company', 'res.company'),
    ],
  },
  {
    name: 'res.company',
    description: 'Companies',
    writeGroup: ACCESS_RIGHTS,
    order: 'id',
    records: (e) => e.companies,
    fields: (e) => [
      char('name', 'Company Name'),
      char('email', 'Email'),
      ...when(e.version >= 17, m2o('alias_domain_id', 'Email Domain', 'mail.alias.domain')),
    ],
  },
  {
    name: 'mail.alias.domain',
    description: 'Email Domain',
    since: 17,
    writeGroup: SETTINGS,
    order: 'sequence, id',
    records: (e) => e.aliasDomains,
    fields: () => [
      char('name', 'Name', { required: true }),
      char('catchall_alias', 'Catchall Alias'),
      char('bounce_alias', 'Bounce Alias'),
      char('default_from', 'Default From Alias'),
      int('sequence', 'Sequence'),
    ],
  },
  {
    name: 'crm.team',
    description: 'Sales Team',
    order: 'id',
    records: (e) => e.teams,
    fields: (e) => [
      char('name', 'Sales Team', { required: true }),
      bool('active', 'Active'),
      char('alias_name', 'Alias Name'),
      sel('alias_contact', 'Alias Contact Security', [
        ['everyone', 'Everyone'],
        ['partners', 'Authenticated Partners'],
        ['followers', 'Followers only'],
      ]),
      char('alias_defaults', 'Default Values'),
      ...when(
        e.version >= 16,
        sel(
          'alias_status',
          'Alias Status',
          [
            ['not_tested', 'Not Tested'],
            ['valid', 'Valid'],
            ['invalid', 'Invalid'],
          ],
          { readonly: true },
        ),
      ),
      ...when(e.version >= 17, m2o('alias_domain_id', 'Alias Domain', 'mail.alias.domain')),
    ],
  },
  {
    name: 'mail.template',
    description: 'Email Templates',
    order: 'name',
    records: (e) => e.templates,
    fields: () => [
      char('name', 'Name'),
      char('model', 'Related Document Model'),
      char('subject', 'Subject'),
      char('email_from', 'From'),
      char('email_to', 'To (Emails)'),
    ],
  },
  {
    name: 'crm.lead',
    description: 'Lead/Opportunity',
    unlinkGroup: { xmlid: SALES_MANAGER_GROUP, label: 'Sales/Administrator' },
    thread: true,
    order: 'id desc',
    records: (e) => e.leads,
    fields: () => [
      char('name', 'Opportunity', { required: true }),
      bool('active', 'Active'),
      { name: 'tag_ids', type: 'many2many', string: 'Tags', relation: 'crm.tag' },
      char('email_from', 'Email'),
      m2o('team_id', 'Sales Team', 'crm.team'),
      sel('type', 'Type', [
        ['lead', 'Lead'],
        ['opportunity', 'Opportunity'],
      ]),
      date('create_date', 'Created on'),
      { name: 'description', type: 'text', string: 'Notes' },
    ],
  },
  {
    name: 'crm.tag',
    description: 'CRM Tag',
    order: 'name',
    records: (e) => e.tags,
    fields: () => [char('name', 'Tag Name', { required: true })],
  },
  {
    name: 'mail.message',
    description: 'Message',
    order: 'id desc',
    records: (e) => e.messages,
    fields: () => [
      char('message_id', 'Message-Id'),
      char('model', 'Related Document Model'),
      int('res_id', 'Related Document ID'),
      char('subject', 'Subject'),
      char('email_from', 'From'),
      date('date', 'Date'),
      { name: 'body', type: 'text', string: 'Contents' },
      char('message_type', 'Type'),
    ],
  },
  {
    name: 'mail.mail',
    description: 'Outgoing Mails',
    group: SETTINGS,
    order: 'id desc',
    records: (e) => e.mails,
    fields: () => [
      char('subject', 'Subject'),
      char('email_from', 'From'),
      char('email_to', 'To'),
      sel('state', 'Status', [
        ['outgoing', 'Outgoing'],
        ['sent', 'Sent'],
        ['exception', 'Delivery Failed'],
      ]),
      { name: 'failure_reason', type: 'text', string: 'Failure Reason' },
      m2o('mail_server_id', 'Outgoing mail server', 'ir.mail_server'),
      bool('auto_delete', 'Auto Delete'),
    ],
  },
  {
    name: 'ir.cron',
    description: 'Scheduled Actions',
    group: SETTINGS,
    order: 'id',
    records: (e) => e.crons,
    fields: () => [
      char('name', 'Name'),
      bool('active', 'Active'),
      int('interval_number', 'Interval Number'),
      sel('interval_type', 'Interval Unit', [
        ['minutes', 'Minutes'],
        ['hours', 'Hours'],
        ['days', 'Days'],
        ['weeks', 'Weeks'],
        ['months', 'Months'],
      ]),
      date('lastcall', 'Last Execution Date'),
      { name: 'nextcall', type: 'datetime', string: 'Next Execution Date' },
      { name: 'code', type: 'text', string: 'Python Code' },
    ],
  },
  {
    name: 'ir.model.data',
    description: 'Model Data',
    order: 'id',
    records: (e) => e.modelData,
    fields: () => [char('module', 'Module'), char('name', 'External Identifier'), char('model', 'Model Name'), int('res_id', 'Record ID')],
  },
];

export function findModel(erp: ErpState, name: string): ModelSpec | undefined {
  const model = MODELS.find((m) => m.name === name);
  return model && (model.since === undefined || erp.version >= model.since) ? model : undefined;
}
