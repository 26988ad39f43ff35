import { erpLogin, erpSalesTeams } from '../../adapters/erp/sources.js';
import { defineCheck } from '../../engine/check.js';
import { listOf, MENU, sessionOf } from './shared.js';

export const erpSalesAliasCheck = defineCheck({
  meta: {
    id: 'erp-sales-alias',
    title: 'The sales team turns mail to its alias into leads',
    area: 'erp',
    severity: 'high',
    dependsOn: ['erp-reachable'],
    sources: [erpSalesTeams, erpLogin],
    fixable: true,
    watched: false,
  },
  explainFile: new URL('./erp-sales-alias.md', import.meta.url),
  run(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const { byName, byAlias } = snapshot.get(erpSalesTeams);
    const { salesTeam, salesAlias } = ctx.tenant.erp;
    const domain = ctx.tenant.domain.toLowerCase();
    const address = `${salesAlias}@${domain}`;
    const expected = {
      name: salesTeam,
      alias_name: salesAlias,
      alias_contact: 'everyone',
      ...(major >= 16 ? { alias_status: 'not invalid' } : {}),
      ...(major >= 17 ? { alias_domain_id: domain } : {}),
    };
    const manual = (team: string) =>
      `${MENU.teams} ▸ ${team}: Email Alias "${salesAlias}"${major >= 17 ? ` @ ${domain}` : ''}, Accept Emails From "Everyone"; Save. ` +
      `Then send a test mail from outside to ${address} and check that a lead appears (CRM ▸ Sales ▸ My Pipeline, or Leads).`;
    const command = (id?: number) => `crm.team${id ? `(${id})` : ''}: alias_name=${salesAlias}, alias_contact=everyone`;

    const team = byName[0];
    if (!team) {
      const other = byAlias[0];
      return {
        status: 'fail',
        detail: other
          ? `There is no sales team named "${salesTeam}"; the alias "${salesAlias}" belongs to team "${other.name}", expected team "${salesTeam}" (or set tenants[].erp.salesTeam to "${other.name}").`
          : `There is no sales team named "${salesTeam}" and no team has the alias "${salesAlias}", so mail to ${address} creates no lead.`,
        observed: { teamsWithAlias: byAlias.map((t) => t.raw) },
        expected,
        resource: { kind: 'crm.team', name: salesTeam },
        remediation: { manual: manual(other?.name ?? salesTeam), command: command(other?.id) },
      };
    }
    const problems: string[] = [];
    if (team.aliasName !== salesAlias) {
      const holder = byAlias.find((t) => t.id !== team.id);
      problems.push(
        `alias_name is ${team.aliasName ? `"${team.aliasName}"` : 'empty'}, expected "${salesAlias}"${holder ? ` (team "${holder.name}" has that alias now)` : ''}`,
      );
    }
    if (team.aliasContact !== 'everyone') {
      problems.push(
        `alias_contact is "${team.aliasContact ?? ''}", expected "everyone": mail from outside senders (customers) is bounced instead of becoming a lead`,
      );
    }
    if (major >= 16 && team.aliasStatus === 'invalid') {
      problems.push('alias_status is "invalid", expected valid: the last mail to the alias could not be processed');
    }
    if (major >= 17 && (team.aliasDomain ?? '').toLowerCase() !== domain) {
      problems.push(`alias_domain_id is ${team.aliasDomain ? `"${team.aliasDomain}"` : 'empty'}, expected "${domain}"`);
    }
    const observed = { team: team.raw };
    const resource = { kind: 'crm.team', id: String(team.id), name: team.name };
    if (problems.length === 0) {
      return {
        status: 'pass',
        detail: `Sales team "${team.name}" receives ${address} from everyone${team.aliasStatus ? ` (alias status ${team.aliasStatus})` : ''}.`,
        observed,
        expected,
        resource,
      };
    }
    return {
      status: 'fail',
      detail: `Sales team "${team.name}": ${listOf(problems)}.`,
      observed,
      expected,
      resource,
      remediation: { manual: manual(team.name), command: command(team.id) },
    };
  },
});
