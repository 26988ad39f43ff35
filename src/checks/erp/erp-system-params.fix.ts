import { erpAliasDomains, erpLogin, erpSystemParams } from '../../adapters/erp/sources.js';
import { basisOf, definePlanner, erpCall, type FixCall, type FixChange, refuse } from '../../engine/fix.js';
import { catchallParts, sessionOf } from './shared.js';

/**
 * Sets `web.base.url` and its freeze, and the catch-all address by version: the parameters
 * `mail.catchall.domain`/`.alias` up to 16, the `mail.alias.domain` record (and the company's
 * choice of it) from 17.
 */
export const erpSystemParamsPlanner = definePlanner({
  checkId: 'erp-system-params',
  sources: [erpSystemParams, erpAliasDomains, erpLogin],
  plan(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const params = snapshot.get(erpSystemParams);
    const aliasDomains = snapshot.get(erpAliasDomains);
    const { local, domain } = catchallParts(ctx.tenant);
    const publicUrl = trimSlash(ctx.tenant.erp.publicUrl);
    const changes: FixChange[] = [];
    const calls: FixCall[] = [];
    const notes: string[] = [];
    const setParam = (key: string, value: string) => {
      changes.push({ setting: `ir.config_parameter ${key}`, before: params[key] ?? null, after: value });
      calls.push(erpCall('ir.config_parameter', 'set_param', undefined, { key, value }));
    };
    if (trimSlash(params['web.base.url'] ?? '') !== publicUrl) setParam('web.base.url', publicUrl);
    if (!/^(true|1)$/i.test(params['web.base.url.freeze'] ?? '')) setParam('web.base.url.freeze', 'True');

    // Same rule as the check: ≤ 16, or a 17+ whose mail.alias.domain cannot be read, uses the parameters.
    if (major <= 16 || aliasDomains === null) {
      if ((params['mail.catchall.domain'] ?? '').toLowerCase() !== domain) setParam('mail.catchall.domain', domain);
      if ((params['mail.catchall.alias'] ?? '').toLowerCase() !== local) setParam('mail.catchall.alias', local);
    } else {
      const record = aliasDomains.domains.find((d) => d.name.toLowerCase() === domain);
      const company = aliasDomains.companies[0];
      if (!record) {
        changes.push({ setting: 'mail.alias.domain', before: null, after: { name: domain, catchall_alias: local } });
        calls.push(erpCall('mail.alias.domain', 'create', undefined, { vals_list: [{ name: domain, catchall_alias: local }] }));
        if (company)
          notes.push(
            `Then choose ${domain} as the company's alias domain (Settings ▸ General Settings ▸ Discuss ▸ Alias Domain), or run this fix again.`,
          );
      } else {
        if ((record.catchallAlias ?? '').toLowerCase() !== local) {
          changes.push({ setting: `mail.alias.domain "${record.name}" catchall_alias`, before: record.catchallAlias, after: local });
          calls.push(erpCall('mail.alias.domain', 'write', [record.id], { vals: { catchall_alias: local } }));
        }
        if (company && company.aliasDomainId !== record.id) {
          changes.push({ setting: `res.company "${company.name}" alias_domain_id`, before: company.aliasDomainId, after: record.name });
          calls.push(erpCall('res.company', 'write', [company.id], { vals: { alias_domain_id: record.id } }));
        }
      }
    }
    if (calls.length === 0) return refuse("The ERP's base URL and catch-all address already are what the config says; nothing to change.");
    return {
      target: 'ERP system parameters',
      changes,
      calls,
      basis: basisOf({
        params,
        aliasDomains: aliasDomains && { domains: aliasDomains.domains.map((d) => d.raw), companies: aliasDomains.companies },
      }),
      ...(notes.length > 0 ? { notes } : {}),
    };
  },
});

function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
