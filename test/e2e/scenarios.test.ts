import { describe, expect, it } from 'vitest';
import { SCENARIOS } from '../../lab/scenarios/index.js';
import { runTestEmail } from '../../src/commands/test-email.js';
import { coreFor, LAB_E2E, startLabRun } from './harness.js';

/**
 * `test-email` in every lab scenario (status sends no mail, so this is where the end-to-end outcome
 * per scenario is held): each scenario's `testEmail` names the verdict, the hop that stops the mail
 * and the check its cause points at; a scenario without one passes end to end. Either way the test
 * leaves no test lead in the ERP, and no test mail anywhere but where its cleanup hop says it could
 * not remove it (a mailbox the bot cannot open; a mail that went somewhere else than the catch-all).
 */
describe('test-email in every scenario', () => {
  for (const scenario of SCENARIOS) {
    const want = scenario.testEmail;
    it(`${scenario.name}: ${want ? `${want.verdict} at ${want.hop}` : 'passes'}`, async () => {
      const run = await startLabRun(scenario.name);
      try {
        const result = await runTestEmail(coreFor(run), undefined, { e2e: LAB_E2E });
        expect({ verdict: result.verdict, hop: result.failedHop?.id, cause: result.cause?.checkId }).toEqual({
          verdict: want?.verdict ?? 'pass',
          hop: want?.hop,
          cause: want?.cause,
        });
        const tokens = Object.values(result.tokens);
        const leftIn = Object.entries(run.lab.state.mail.mailboxes)
          .filter(([, box]) => box.messages.some((m) => tokens.some((t) => m.raw.includes(t))))
          .map(([address]) => address);
        const cleanup = result.hops.find((h) => h.id === 'cleanup');
        expect(cleanup?.status ?? 'pass', 'the cleanup hop fails exactly when a test mail is left').toBe(leftIn.length ? 'fail' : 'pass');
        for (const address of leftIn) {
          expect(cleanup?.detail).toMatch(address === run.tenant.catchallMailbox ? `the test mails in ${address}` : /never reached/);
        }
        expect(
          run.lab.state.erp.leads.filter((l) => tokens.some((t) => l.name.includes(t))),
          'test leads left',
        ).toEqual([]);
      } finally {
        await run.stop();
      }
    });
  }
});
