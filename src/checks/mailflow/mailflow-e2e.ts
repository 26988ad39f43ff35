import { formatSeconds } from '../../e2e/hops.js';
import { mailflowE2e } from '../../e2e/source.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';

export const mailflowE2eCheck = defineCheck({
  meta: {
    id: 'mailflow-e2e',
    title: 'Test mail reaches the ERP end to end',
    area: 'mailflow',
    severity: 'critical',
    dependsOn: ['erp-reachable', 'mailflow-imap-login'],
    sources: [mailflowE2e],
    fixable: false,
    watched: true,
  },
  explainFile: new URL('./mailflow-e2e.md', import.meta.url),
  run(snapshot, ctx): Verdict {
    const e2e = snapshot.get(mailflowE2e);
    if (e2e.status === 'not-configured') {
      return { status: 'skip', skipReason: 'not-configured', detail: `Not run: ${e2e.reason}`, observed: { probe: null } };
    }
    const { result, ageMs } = e2e;
    const age = ageMs !== undefined ? ` (the run of ${Math.round(ageMs / 1000)} s ago; test mail is limited to one run per minute)` : '';
    const observed = {
      verdict: result.verdict,
      durationMs: result.durationMs,
      hops: result.hops.map((h) => ({ hop: h.name, status: h.status, durationMs: h.durationMs ?? null, detail: h.detail })),
      tokens: result.tokens,
      lead: result.lead ?? null,
      startedAt: result.startedAt,
    };
    const expected = {
      path: `outside sender → MX → ${ctx.tenant.erp.salesAlias}@ → ${ctx.tenant.catchallMailbox} → ERP fetch → crm.lead; wrong address → error notice`,
    };
    const resource = { kind: 'test mail', name: `${ctx.tenant.erp.salesAlias}@${ctx.tenant.domain}` };
    const ran = result.hops.filter((h) => h.id !== 'cleanup' && h.status !== 'skip');
    if (result.verdict === 'pass') {
      return {
        status: 'pass',
        detail: `A test mail went through ${ran.length} hops in ${formatSeconds(result.durationMs)}${result.lead ? ` and became crm.lead #${result.lead.id}` : ''}${age}.`,
        observed,
        expected,
        resource,
      };
    }
    const failed = result.hops.find((h) => h.id === result.failedHop?.id);
    const detail = `The test mail stopped at "${result.failedHop?.name ?? '?'}": ${failed?.detail ?? 'no detail'}${age}`;
    return {
      status: result.verdict,
      detail,
      observed,
      expected,
      resource,
      ...(result.cause
        ? {
            cause: result.cause,
            remediation: { manual: `${result.cause.explanation} ${result.cause.fix}`, command: `mailsetup check ${result.cause.checkId}` },
          }
        : {}),
    };
  },
});
