import { defineSource } from '../../engine/source.js';
import { isMailsetupError } from '../../errors.js';
import type {
  ErpAliasDomains,
  ErpApi,
  ErpFetchCron,
  ErpIncomingServers,
  ErpModuleState,
  ErpOutgoingServer,
  ErpSalesTeams,
  ErpSession,
  ErpVersion,
} from './port.js';
import { apiFor } from './version.js';

/**
 * What the ERP checks read, each fetched once per run. The adapter memoises version detection and
 * login, so these share one login.
 */

/** The login attempt. A refused login is a finding about the bot's config (a `fail`), so it is data here. */
export type ErpLoginResult =
  | { ok: true; session: ErpSession }
  | {
      ok: false;
      version: ErpVersion;
      api: ErpApi;
      login: string;
      database: string;
      /** The adapter's sentence (free of secrets). */
      reason: string;
    };

export const erpLogin = defineSource<ErpLoginResult>({
  key: 'erp.login',
  label: 'the ERP (version and login)',
  fetch: async (ctx) => {
    const version = await ctx.adapters.erp.version(ctx.signal);
    try {
      return { ok: true, session: await ctx.adapters.erp.login(ctx.signal) };
    } catch (error) {
      if (!isMailsetupError(error) || error.code !== 'AuthFailed') throw error;
      return {
        ok: false,
        version,
        api: apiFor(version, ctx.tenant.erp.apiKey !== undefined),
        login: ctx.tenant.erp.login,
        database: ctx.tenant.erp.database,
        reason: error.message,
      };
    }
  },
});

/** Modules whose state the checks look at. */
export const ERP_MODULES = ['fetchmail_notify_error_to_sender', 'microsoft_outlook', 'fetchmail', 'mail', 'crm'] as const;

export const erpInstalledModules = defineSource<ErpModuleState[]>({
  key: 'erp.modules',
  label: "the ERP's installed modules",
  fetch: (ctx) => ctx.adapters.erp.installedModules(ERP_MODULES, ctx.signal),
});

/** `ir.mail_server` records (active and archived), by sequence. Also read by the DNS checks (MX = SMTP host). */
export const erpOutgoingServers = defineSource<ErpOutgoingServer[]>({
  key: 'erp.outgoing-servers',
  label: "the ERP's outgoing mail servers",
  fetch: (ctx) => ctx.adapters.erp.outgoingServers(ctx.signal),
});

export const erpIncomingServers = defineSource<ErpIncomingServers>({
  key: 'erp.incoming-servers',
  label: "the ERP's incoming mail servers",
  fetch: (ctx) => ctx.adapters.erp.incomingServers(ctx.signal),
});

/** System parameters the checks compare (the catch-all ones only matter up to 16). */
export const ERP_PARAM_KEYS = [
  'web.base.url',
  'web.base.url.freeze',
  'mail.catchall.domain',
  'mail.catchall.alias',
  'mail.default.from',
  // Up to 16 the bounce address (the envelope sender of real mail) is mail.bounce.alias @ mail.catchall.domain.
  'mail.bounce.alias',
] as const;

export const erpSystemParams = defineSource<Record<string, string | null>>({
  key: 'erp.system-params',
  label: "the ERP's system parameters",
  fetch: (ctx) => ctx.adapters.erp.systemParams(ERP_PARAM_KEYS, ctx.signal),
});

/** `mail.alias.domain` on 17+; null on versions without the model. */
export const erpAliasDomains = defineSource<ErpAliasDomains | null>({
  key: 'erp.alias-domains',
  label: "the ERP's alias domains",
  fetch: (ctx) => ctx.adapters.erp.aliasDomains(ctx.signal),
});

export const erpSalesTeams = defineSource<ErpSalesTeams>({
  key: 'erp.sales-teams',
  label: "the ERP's sales team",
  fetch: (ctx) => ctx.adapters.erp.salesTeams(ctx.tenant.erp.salesTeam, ctx.tenant.erp.salesAlias, ctx.signal),
});

export const erpFetchCron = defineSource<ErpFetchCron | null>({
  key: 'erp.fetch-cron',
  label: "the ERP's mail fetch job",
  fetch: (ctx) => ctx.adapters.erp.fetchCron(ctx.signal),
});
