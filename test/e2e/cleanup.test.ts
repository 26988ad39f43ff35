import { afterEach, describe, expect, it } from 'vitest';
import { SALES_MANAGER_GROUP } from '../../lab/erp/state.js';
import { runEndToEnd } from '../../src/e2e/run.js';
import { LAB_E2E, type LabRun, startLabRun } from './harness.js';

/** No rate limit between these runs: each one is a real test. */
const BACK_TO_BACK = { ...LAB_E2E, minIntervalMs: 0 };

let run: LabRun | undefined;
afterEach(async () => {
  await run?.stop();
  run = undefined;
});

const marked = (text: unknown) => String(text ?? '').includes('mailsetup-test');

describe('test-email leaves nothing behind', () => {
  it('five runs: every test lead and its messages deleted, and no test mail in any mailbox', async () => {
    run = await startLabRun('healthy');
    const leadIds: number[] = [];
    for (let i = 0; i < 5; i++) {
      const result = await runEndToEnd({ adapters: run.adapters, tenant: run.tenant, options: BACK_TO_BACK });
      expect(result.verdict).toBe('pass');
      expect(result.shared).toBeUndefined();
      leadIds.push(result.lead!.id);
      expect(result.hops.at(-1)).toMatchObject({
        id: 'cleanup',
        status: 'pass',
        detail: expect.stringContaining(
          `crm.lead #${result.lead!.id} "[mailsetup-test ${result.tokens.sales}]" with its 1 mail.message from the ERP`,
        ),
      });
    }
    expect(new Set(leadIds).size).toBe(5);
    const erp = run.lab.state.erp;
    expect(erp.leads.filter((l) => marked(l.name))).toEqual([]);
    expect(erp.messages.filter((m) => marked(m.message_id) || marked(m.subject))).toEqual([]);
    expect(Object.values(run.lab.state.mail.mailboxes).flatMap((box) => box.messages.filter((m) => marked(m.raw)))).toEqual([]);
  });

  it('a bot user without the right to delete leads archives and tags the lead, and says why with the ERP’s own text', async () => {
    run = await startLabRun('healthy');
    const bot = run.lab.state.erp.users.find((u) => u.login === run!.lab.state.erp.bot.login)!;
    bot.groups = bot.groups.filter((g) => g !== SALES_MANAGER_GROUP);
    const result = await runEndToEnd({ adapters: run.adapters, tenant: run.tenant, options: BACK_TO_BACK });
    expect(result.verdict).toBe('pass');
    const cleanup = result.hops.at(-1)!;
    expect(cleanup.id).toBe('cleanup');
    expect(cleanup.status).toBe('pass');
    expect(cleanup.detail).toContain(
      `Kept crm.lead #${result.lead!.id} "[mailsetup-test ${result.tokens.sales}]" with its 1 mail.message, archived and tagged "mailsetup-test" instead (the ERP refused to delete: You are not allowed to delete 'Lead/Opportunity' (crm.lead) records.`,
    );
    const lead = run.lab.state.erp.leads.find((l) => l.id === result.lead!.id)!;
    const tag = run.lab.state.erp.tags.find((t) => t.name === 'mailsetup-test')!;
    expect(lead).toMatchObject({ active: false, tag_ids: [tag.id] });
    // Archived leads are out of the CRM's views: a search without active_test=False finds none.
    const visible = await run.adapters.erp.searchRead('crm.lead', [['name', 'ilike', result.tokens.sales]], ['id']);
    expect(visible).toEqual([]);
  });
});
