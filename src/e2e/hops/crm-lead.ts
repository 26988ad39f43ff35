import type { MappedCause } from '../../engine/result.js';
import type { E2eRun } from '../context.js';
import { defineHop, hopCause } from '../hop.js';
import { pollUntil } from '../poll.js';

/** The fetched mail became a crm.lead: found through `mail.message.message_id`. */
export const crmLead = defineHop({
  id: 'crm-lead',
  title: () => 'A CRM lead with the token exists',
  needs: ['erp-fetch'],
  async run(run) {
    const { adapters, salesMessageId, salesTo, tenant, signal } = run;
    const ref = await pollUntil(() => adapters.erp.findMessageByMessageId(salesMessageId, signal), {
      ...run.poll,
      timeoutMs: Math.min(run.options.deliveryTimeoutMs, 3_000),
    });
    const aliasCause = (what: string) =>
      hopCause(
        'no route',
        'erp-sales-alias',
        `${what} Odoo routes mail to ${salesTo} by the sales team's alias; without a matching alias that accepts everyone it logs "No possible route found" and drops the mail.`,
        'Check the sales team alias (`check erp-sales-alias`) and the catch-all domain (`check erp-system-params`).',
      );
    if (!ref) {
      return {
        status: 'fail',
        detail: `The ERP took the test mail but created nothing from it: no mail.message has the Message-Id ${salesMessageId}.`,
        evidence: { messageId: salesMessageId },
        cause: (await catchallDomainCause(run)) ?? aliasCause('The mail was fetched but not routed.'),
      };
    }
    if (ref.model !== 'crm.lead' || ref.resId === null) {
      return {
        status: 'fail',
        detail: `The test mail became a ${ref.model ?? 'message without a record'}${ref.resId ? ` #${ref.resId}` : ''}, not a crm.lead.`,
        evidence: { messageId: salesMessageId, model: ref.model, resId: ref.resId },
        cause: aliasCause(`The mail went to ${ref.model ?? 'no model'}, not to the sales team.`),
      };
    }
    const lead = await adapters.erp.readLead(ref.resId, signal);
    if (!lead) {
      return {
        status: 'fail',
        detail: `mail.message ${ref.id} points at crm.lead #${ref.resId}, which does not exist (deleted?).`,
        evidence: { resId: ref.resId },
      };
    }
    run.found.lead = { id: lead.id, name: lead.name };
    const team = lead.team ? ` in team ${lead.team.name}` : ' without a sales team';
    const teamNote = lead.team && lead.team.name !== tenant.erp.salesTeam ? ` (expected ${tenant.erp.salesTeam})` : '';
    return {
      status: 'pass',
      detail: `crm.lead #${lead.id} "${lead.name}" exists${team}${teamNote}.`,
      evidence: { leadId: lead.id, name: lead.name, team: lead.team?.name ?? null, messageId: salesMessageId },
    };
  },
});

/**
 * Up to version 16 the ERP matches aliases (sales@) only in `mail.catchall.domain`: when that is
 * another domain than the tenant's, no alias matches and the mail is dropped whatever the sales
 * team's alias says. Read after the fact; a read that fails leaves the alias cause.
 */
async function catchallDomainCause(run: E2eRun): Promise<MappedCause | undefined> {
  const { adapters, tenant, salesTo, signal } = run;
  try {
    const domain = (await adapters.erp.systemParams(['mail.catchall.domain'], signal))['mail.catchall.domain'];
    if (!domain || domain.toLowerCase() === tenant.domain.toLowerCase()) return undefined;
    return hopCause(
      'catch-all domain',
      'erp-system-params',
      `The ERP's mail.catchall.domain is "${domain}", not ${tenant.domain}: it matches aliases such as ${salesTo} only in that domain, so the mail had no route and was dropped.`,
      `Set mail.catchall.domain to ${tenant.domain} (\`check erp-system-params\` shows the steps).`,
    );
  } catch {
    return undefined;
  }
}
