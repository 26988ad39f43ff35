import { formatAge, formatSeconds } from '../../e2e/hop.js';
import { mailflowE2e } from '../../e2e/source.js';
import { defineCheck } from '../../engine/check.js';
import type { Verdict } from '../../engine/result.js';

/** The last end-to-end result with its age; `status` itself sends no mail. */
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
    if (e2e.status === 'never-run') {
      return {
        status: 'skip',
        skipReason: 'not-applicable',
        detail: 'No end-to-end result yet: `status` sends no mail; run `test-email` to send a test mail through the whole loop.',
        observed: { lastRun: null },
      };
    }
    const { result, finishedAt } = e2e;
    const when = `${formatAge(ctx.now.getTime() - finishedAt)}, ${formatSeconds(result.durationMs)}`;
    const observed = {
      verdict: result.verdict,
      finishedAt: new Date(finishedAt).toISOString(),
      durationMs: result.durationMs,
      hops: result.hops.map((h) => ({ hop: h.name, status: h.status, durationMs: h.durationMs ?? null, detail: h.detail })),
      tokens: result.tokens,
      lead: result.lead ?? null,
    };
    const expected = {
      path: `outside sender → MX → ${ctx.tenant.erp.salesAlias}@ → ${ctx.tenant.catchallMailbox} → ERP fetch → crm.lead; wrong address → error notice`,
    };
    const resource = { kind: 'test mail', name: `${ctx.tenant.erp.salesAlias}@${ctx.tenant.domain}` };
    if (result.verdict === 'pass') {
      const ran = result.hops.filter((h) => h.id !== 'cleanup' && h.status !== 'skip');
      return {
        status: 'pass',
        detail: `The last test mail passed ${when}: ${ran.length} hops${result.lead ? `, crm.lead #${result.lead.id}` : ''}. Run \`test-email\` for a new one.`,
        observed,
        expected,
        resource,
      };
    }
    const failed = result.hops.find((h) => h.id === result.failedHop?.id);
    const verb = result.verdict === 'fail' ? 'failed' : 'could not finish';
    return {
      status: result.verdict,
      detail: `The last test mail ${verb} ${when}, at "${result.failedHop?.name ?? '?'}": ${failed?.detail ?? 'no detail'}`,
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
