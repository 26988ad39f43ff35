import { erpAliasDomains, erpLogin, erpSystemParams } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { catchallParts, DEV_MODE, listOf, MENU, sessionOf } from './shared.js';

export const erpSystemParamsCheck = defineCheck({
  meta: {
    id: 'erp-system-params',
    title: "The ERP's base URL and catch-all address are right",
    area: 'erp',
    severity: 'high',
    dependsOn: ['erp-reachable'],
    sources: [erpSystemParams, erpAliasDomains, erpLogin],
    fixable: true,
    watched: false,
  },
  explainFile: new URL('./erp-system-params.md', import.meta.url),
  run(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const params = snapshot.get(erpSystemParams);
    const aliasDomains = snapshot.get(erpAliasDomains);
    const { local, domain } = catchallParts(ctx.tenant);
    const publicUrl = trimSlash(ctx.tenant.erp.publicUrl);
    const problems: string[] = [];
    // System parameters to set, then steps in other menus (alias domains, the company).
    const paramSteps: string[] = [];
    const otherSteps: string[] = [];

    const baseUrl = params['web.base.url'];
    if (trimSlash(baseUrl ?? '') !== publicUrl) {
      problems.push(
        `web.base.url is ${baseUrl ? `"${baseUrl}"` : 'not set'}, expected "${publicUrl}" (links in mail and the Outlook OAuth redirect use it)`,
      );
      paramSteps.push(`web.base.url = ${publicUrl}`);
    }
    const freeze = params['web.base.url.freeze'];
    if (!/^(true|1)$/i.test(freeze ?? '')) {
      problems.push(
        `web.base.url.freeze is ${freeze ? `"${freeze}"` : 'not set'}, expected "True" (otherwise the next admin login from another address rewrites web.base.url)`,
      );
      paramSteps.push('web.base.url.freeze = True');
    }

    // ≤ 16 keeps the catch-all in parameters; 17+ in mail.alias.domain — unless that model cannot be read.
    const usesParams = major <= 16 || aliasDomains === null;
    let observedCatchall: Record<string, unknown>;
    if (usesParams) {
      const catchDomain = params['mail.catchall.domain'];
      const catchAlias = params['mail.catchall.alias'];
      observedCatchall = { 'mail.catchall.domain': catchDomain, 'mail.catchall.alias': catchAlias };
      if ((catchDomain ?? '').toLowerCase() !== domain) {
        problems.push(
          `mail.catchall.domain is ${catchDomain ? `"${catchDomain}"` : 'not set'}, expected "${domain}" (aliases such as sales@ only match this domain)`,
        );
        paramSteps.push(`mail.catchall.domain = ${domain}`);
      }
      if ((catchAlias ?? '').toLowerCase() !== local) {
        problems.push(
          `mail.catchall.alias is ${catchAlias ? `"${catchAlias}"` : 'not set'}, expected "${local}" (the catch-all mailbox ${ctx.tenant.catchallMailbox})`,
        );
        paramSteps.push(`mail.catchall.alias = ${local}`);
      }
    } else {
      // 17+: the old parameters were migrated once and no longer matter; mail.alias.domain rules.
      const record = aliasDomains.domains.find((d) => d.name.toLowerCase() === domain);
      const company = aliasDomains.companies[0];
      observedCatchall = {
        'mail.alias.domain': aliasDomains.domains.map((d) => d.raw),
        companyAliasDomainId: company?.aliasDomainId ?? null,
      };
      if (!record) {
        problems.push(
          `no mail.alias.domain is named "${domain}" (found ${aliasDomains.domains.length > 0 ? listOf(aliasDomains.domains.map((d) => `"${d.name}"`)) : 'none'}), expected one for the catch-all domain`,
        );
        otherSteps.push(`${MENU.aliasDomains} ▸ New: Name ${domain}, Catchall Alias ${local}`);
      } else {
        if ((record.catchallAlias ?? '').toLowerCase() !== local) {
          problems.push(
            `mail.alias.domain "${record.name}" has catchall_alias ${record.catchallAlias ? `"${record.catchallAlias}"` : 'empty'}, expected "${local}"`,
          );
          otherSteps.push(`${MENU.aliasDomains} ▸ ${record.name}: Catchall Alias ${local}`);
        }
        if (company && company.aliasDomainId !== record.id) {
          problems.push(
            `company "${company.name}" uses ${company.aliasDomainId === null ? 'no alias domain' : `alias domain id ${company.aliasDomainId}`}, expected "${record.name}"`,
          );
          otherSteps.push(`Settings ▸ General Settings ▸ Discuss ▸ Alias Domain: ${record.name}`);
        }
      }
    }

    const observed = { 'web.base.url': baseUrl, 'web.base.url.freeze': freeze, ...observedCatchall };
    const expected = usesParams
      ? { 'web.base.url': publicUrl, 'web.base.url.freeze': 'True', 'mail.catchall.domain': domain, 'mail.catchall.alias': local }
      : { 'web.base.url': publicUrl, 'web.base.url.freeze': 'True', 'mail.alias.domain': { name: domain, catchall_alias: local } };
    const resource = { kind: 'ir.config_parameter', name: 'web.base.url' };
    if (problems.length === 0) {
      return {
        status: 'pass',
        detail: `web.base.url is ${publicUrl} and frozen; the catch-all address is ${local}@${domain}${usesParams ? '' : ' (mail.alias.domain)'}.`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail: `System parameters: ${listOf(problems)}.`,
      observed,
      expected,
      resource,
      remediation: {
        manual:
          `${DEV_MODE} Then ` +
          [
            ...(paramSteps.length > 0 ? [`${MENU.params}: set ${paramSteps.join(', ')} (create the key if it is missing)`] : []),
            ...otherSteps,
          ].join('; ') +
          '.',
        command: [...paramSteps, ...otherSteps].join('; '),
      },
    };
  },
});

function trimSlash(url: string): string {
  return url.trim().replace(/\/+$/, '');
}
