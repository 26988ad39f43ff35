import { erpAliasDomains, erpLogin, erpSalesTeams } from '../../adapters/erp/sources.js';
import { basisOf, definePlanner, erpCall, type FixChange, type JsonValue, refuse } from '../../engine/fix.js';
import { sessionOf } from './shared.js';

/** Sets the sales team's alias name, "accept emails from everyone" and (17+) its alias domain. */
export const erpSalesAliasPlanner = definePlanner({
  checkId: 'erp-sales-alias',
  sources: [erpSalesTeams, erpAliasDomains, erpLogin],
  plan(snapshot, ctx) {
    const major = sessionOf(snapshot).version.major;
    const { byName, byAlias } = snapshot.get(erpSalesTeams);
    const { salesTeam, salesAlias } = ctx.tenant.erp;
    const domain = ctx.tenant.domain.toLowerCase();
    const team = byName[0];
    if (!team)
      return refuse(
        `There is no sales team named "${salesTeam}"; creating a team is left to a person (CRM ▸ Configuration ▸ Sales Teams), or set tenants[].erp.salesTeam.`,
      );
    const holder = byAlias.find((t) => t.id !== team.id);
    if (team.aliasName !== salesAlias && holder) {
      return refuse(
        `The alias "${salesAlias}" belongs to team "${holder.name}"; the bot will not take it away from that team. Move it by hand, or set tenants[].erp.salesTeam to "${holder.name}".`,
      );
    }
    const vals: Record<string, JsonValue> = {};
    const changes: FixChange[] = [];
    const set = (field: string, before: JsonValue, after: JsonValue, value: JsonValue = after) => {
      vals[field] = value;
      changes.push({ setting: `crm.team "${team.name}" ${field}`, before, after });
    };
    if (team.aliasName !== salesAlias) set('alias_name', team.aliasName, salesAlias);
    if (team.aliasContact !== 'everyone') set('alias_contact', team.aliasContact, 'everyone');
    const notes: string[] = [];
    if (major >= 17 && (team.aliasDomain ?? '').toLowerCase() !== domain) {
      const record = snapshot.get(erpAliasDomains)?.domains.find((d) => d.name.toLowerCase() === domain);
      if (record) set('alias_domain_id', team.aliasDomain, record.name, record.id);
      else notes.push(`The ERP has no alias domain ${domain} yet: fix erp-system-params first, then this again.`);
    }
    if (major >= 16 && team.aliasStatus === 'invalid') {
      notes.push('alias_status stays "invalid" until the next mail to the alias is processed; send a test mail (test-email).');
    }
    if (changes.length === 0)
      return refuse(notes[0] ?? `Sales team "${team.name}" already receives ${salesAlias}@${domain} from everyone; nothing to change.`);
    return {
      target: `crm.team ${team.id} "${team.name}"`,
      changes,
      calls: [erpCall('crm.team', 'write', [team.id], { vals })],
      basis: basisOf({ team: team.raw, holders: byAlias.map((t) => t.id) }),
      ...(notes.length > 0 ? { notes } : {}),
    };
  },
});
