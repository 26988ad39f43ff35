import { isMailsetupError, MailsetupError } from '../../errors.js';
import {
  bracketed,
  many2one,
  num,
  text,
  toAliasDomain,
  toIncomingServer,
  toLead,
  toMessageRef,
  toOutgoingServer,
  toSalesTeam,
} from './normalise.js';
import type { Domain, ErpActionOutcome, ErpChangeOutcome, ErpCore, ErpFetchCron, ErpPort } from './port.js';

/** Odoo 12–13 report a successful "Test Connection" as a UserError with this text. */
const LEGACY_SMTP_SUCCESS = /Connection Test Succeeded/i;

/**
 * What the checks and the mail test read and press in the ERP, normalised across versions. Which
 * fields exist is asked with `fields_get` (they differ by version and installed modules), never assumed.
 */
export function erpReads(core: ErpCore): Omit<ErpPort, keyof ErpCore> {
  /** The wanted fields this ERP has. */
  async function existing(model: string, wanted: readonly string[], signal?: AbortSignal) {
    const info = await core.fieldsGet(model, ['type', 'selection'], signal);
    return { info, fields: wanted.filter((f) => f in info) };
  }

  /** Runs a button; a UserError is its answer (not a failure of the bot), anything else is thrown. */
  async function action(model: string, method: string, ids: number[], done: string, signal?: AbortSignal): Promise<ErpActionOutcome> {
    try {
      const returned = await core.call(model, method, ids, {}, signal);
      return { ok: true, message: notificationText(returned) ?? done, returned };
    } catch (error) {
      if (isMailsetupError(error) && error.code === 'RemoteUserError') {
        const message = String(error.details?.erpMessage ?? error.message);
        return { ok: LEGACY_SMTP_SUCCESS.test(message), message };
      }
      throw error;
    }
  }

  async function fetchCron(signal?: AbortSignal): Promise<ErpFetchCron | null> {
    // The cron moved with the model: `fetchmail.` up to 15, `mail.` from 16.
    const module = (await core.version()).major >= 16 ? 'mail' : 'fetchmail';
    const [data] = await core.searchRead(
      'ir.model.data',
      [
        ['module', '=', module],
        ['name', '=', 'ir_cron_mail_gateway_action'],
      ],
      ['module', 'name', 'res_id'],
      { limit: 1, signal },
    );
    const id = num(data?.res_id);
    if (id === null) return null;
    const [cron] = await core.searchRead(
      'ir.cron',
      [['id', '=', id]],
      ['active', 'lastcall', 'nextcall', 'interval_number', 'interval_type'],
      {
        context: { active_test: false },
        signal,
      },
    );
    if (!cron) return null;
    return {
      id,
      xmlid: `${module}.ir_cron_mail_gateway_action`,
      active: cron.active !== false,
      lastCall: text(cron.lastcall),
      nextCall: text(cron.nextcall),
      intervalNumber: num(cron.interval_number),
      intervalType: text(cron.interval_type),
    };
  }

  return {
    async installedModules(names, signal) {
      const found = await core.searchRead('ir.module.module', [['name', 'in', [...names]]], ['name', 'state'], { signal });
      return names.map((name) => ({ name, state: text(found.find((r) => r.name === name)?.state) ?? 'absent' }));
    },

    async outgoingServers(signal) {
      const wanted = [
        'name',
        'smtp_host',
        'smtp_port',
        'smtp_encryption',
        'smtp_user',
        'smtp_authentication',
        'from_filter',
        'sequence',
        'active',
      ];
      const { fields } = await existing('ir.mail_server', wanted, signal);
      const found = await core.searchRead('ir.mail_server', [], fields, { order: 'sequence, id', context: { active_test: false }, signal });
      return found.map(toOutgoingServer);
    },

    async incomingServers(signal) {
      const { info } = await existing('fetchmail.server', [], signal);
      // 12–13 call it `type`, 14+ `server_type`; the selection (with `outlook` on 16+) comes from the ERP.
      const typeField = 'server_type' in info ? 'server_type' : 'type';
      const wanted = [
        'name',
        typeField,
        'server',
        'port',
        'is_ssl',
        'user',
        'state',
        'active',
        'priority',
        'date',
        'use_microsoft_outlook_service',
        'error_notice_template_id',
        'error_date',
        'error_message',
      ];
      const fields = wanted.filter((f) => f in info);
      const found = await core.searchRead('fetchmail.server', [], fields, {
        order: 'priority, id',
        context: { active_test: false },
        signal,
      });
      const selection = info[typeField]?.selection;
      return {
        servers: found.map((r) => toIncomingServer(r, typeField)),
        typeField,
        serverTypes: Array.isArray(selection) ? selection.map((s) => String(s[0])) : [],
        hasErrorNoticeField: 'error_notice_template_id' in info,
      };
    },

    async systemParams(keys, signal) {
      const found = await core.searchRead('ir.config_parameter', [['key', 'in', [...keys]]], ['key', 'value'], { signal });
      return Object.fromEntries(keys.map((key) => [key, text(found.find((r) => r.key === key)?.value)]));
    },

    async aliasDomains(signal) {
      if ((await core.version()).major < 17) return null;
      const [domains, companies] = await Promise.all([
        core.searchRead('mail.alias.domain', [], ['name', 'catchall_alias', 'bounce_alias', 'default_from'], {
          order: 'sequence, id',
          signal,
        }),
        core.searchRead('res.company', [], ['name', 'alias_domain_id'], { signal }),
      ]);
      return {
        domains: domains.map(toAliasDomain),
        companies: companies.map((c) => ({ id: c.id, name: text(c.name) ?? '', aliasDomainId: many2one(c.alias_domain_id)?.id ?? null })),
      };
    },

    async salesTeams(teamName, aliasName, signal) {
      const { fields } = await existing('crm.team', ['name', 'alias_name', 'alias_contact', 'alias_status', 'alias_domain_id'], signal);
      const found = await core.searchRead('crm.team', ['|', ['name', 'ilike', teamName], ['alias_name', '=', aliasName]], fields, {
        signal,
      });
      const teams = found.map(toSalesTeam);
      return {
        byName: teams.filter((t) => t.name.toLowerCase() === teamName.toLowerCase()),
        byAlias: teams.filter((t) => t.aliasName === aliasName),
      };
    },

    fetchCron,

    testOutgoingServer: (id, signal) => action('ir.mail_server', 'test_smtp_connection', [id], 'Connection Test Successful!', signal),
    testIncomingServer: (id, signal) =>
      action('fetchmail.server', 'button_confirm_login', [id], 'Logged in; the server is confirmed.', signal),
    fetchMail: (serverId, signal) => action('fetchmail.server', 'fetch_mail', [serverId], 'The fetch ran.', signal),

    async triggerFetchCron(signal) {
      const cron = await fetchCron(signal);
      if (!cron) {
        throw new MailsetupError('NotFound', 'The ERP has no mail fetch job (ir_cron_mail_gateway_action).', {
          hint: 'Settings ▸ Technical ▸ Scheduled Actions: look for "Mail: Fetchmail Service"; reinstall the mail module if it is gone.',
          source: 'erp',
        });
      }
      return action('ir.cron', 'method_direct_trigger', [cron.id], 'The fetch job ran.', signal);
    },

    async findMessageByMessageId(messageId, signal) {
      const [found] = await core.searchRead(
        'mail.message',
        [['message_id', '=', bracketed(messageId)]],
        ['message_id', 'model', 'res_id', 'date', 'subject'],
        { limit: 1, signal },
      );
      return found ? toMessageRef(found) : undefined;
    },

    async readLead(id, signal) {
      const [found] = await core.searchRead('crm.lead', [['id', '=', id]], ['name', 'email_from', 'team_id', 'type', 'create_date'], {
        context: { active_test: false },
        signal,
      });
      return found ? toLead(found) : undefined;
    },

    async findTestRecords(messageIds, tokens, signal) {
      const everywhere = { context: { active_test: false }, signal };
      const byId = await core.searchRead('mail.message', [['message_id', 'in', messageIds.map(bracketed)]], ['model', 'res_id'], {
        signal,
      });
      const named = tokens.length
        ? await core.searchRead('crm.lead', orDomain(tokens.map((t) => ['name', 'ilike', t] as const)), ['id'], everywhere)
        : [];
      const leadIds = [
        ...new Set([...byId.filter((m) => m.model === 'crm.lead').map((m) => num(m.res_id)), ...named.map((l) => num(l.id))]),
      ].filter((id): id is number => id !== null);
      const leads = leadIds.length ? await core.searchRead('crm.lead', [['id', 'in', leadIds]], ['name', 'active'], everywhere) : [];
      const onLeads = leadIds.length
        ? await core.searchRead(
            'mail.message',
            [
              ['model', '=', 'crm.lead'],
              ['res_id', 'in', leadIds],
            ],
            ['model', 'res_id'],
            { signal },
          )
        : [];
      const messages = new Map([...byId, ...onLeads].map((m) => [num(m.id) ?? 0, m]));
      return {
        leads: leads.map((l) => ({ id: num(l.id) ?? 0, name: text(l.name) ?? '', active: l.active !== false })),
        messages: [...messages.values()].map((m) => ({ id: num(m.id) ?? 0, model: text(m.model), resId: num(m.res_id) })),
      };
    },

    async deleteRecords(model, ids, signal) {
      return refusable(() => core.call(model, 'unlink', [...ids], {}, signal));
    },

    async archiveLeads(ids, tag, signal) {
      // The tag is best effort: a user who may not create tags can still archive.
      let tagId: number | undefined;
      try {
        const [existing] = await core.searchRead('crm.tag', [['name', '=', tag]], ['id'], { limit: 1, signal });
        tagId = existing
          ? (num(existing.id) ?? undefined)
          : (num(await core.call('crm.tag', 'create', undefined, { vals_list: { name: tag } }, signal)) ?? undefined);
      } catch (error) {
        if (!isRefusal(error)) throw error;
      }
      const vals = tagId !== undefined ? { active: false, tag_ids: [[4, tagId]] } : { active: false };
      return refusable(() => core.call('crm.lead', 'write', [...ids], { vals }, signal));
    },
  };
}

/** `['|', a, '|', b, c]`: Odoo's prefix OR of the terms. */
function orDomain(terms: readonly (readonly [string, string, unknown])[]): Domain {
  return [...Array<'|'>(Math.max(0, terms.length - 1)).fill('|'), ...terms];
}

function isRefusal(error: unknown): boolean {
  return isMailsetupError(error) && error.code === 'InsufficientPermission';
}

/** Runs a change; the ERP refusing it for the bot's rights is an answer (its AccessError text), anything else is thrown. */
async function refusable(change: () => Promise<unknown>): Promise<ErpChangeOutcome> {
  try {
    await change();
    return { ok: true };
  } catch (error) {
    if (isMailsetupError(error) && isRefusal(error)) return { ok: false, message: String(error.details?.erpMessage ?? error.message) };
    throw error;
  }
}

/** The text of a `display_notification` client action (14+ "Connection Test Successful!"). */
function notificationText(value: unknown): string | undefined {
  const params = (value as { params?: { message?: unknown; title?: unknown } } | null)?.params;
  const message = params?.message ?? params?.title;
  return typeof message === 'string' ? message : undefined;
}
