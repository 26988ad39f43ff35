import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEndToEnd } from '../../src/e2e/run.js';
import type { E2eResult } from '../../src/e2e/types.js';
import { Store } from '../../src/store/store.js';
import { LAB_E2E, type LabRun, startLabRun } from './harness.js';

let run: LabRun;
let result: E2eResult;
const progress: string[][] = [];

beforeAll(async () => {
  run = await startLabRun('healthy');
  result = await runEndToEnd({
    adapters: run.adapters,
    tenant: run.tenant,
    options: LAB_E2E,
    onProgress: (hops) => progress.push(hops.map((h) => h.id)),
  });
});
afterAll(() => run.stop());

describe('test-email end to end against the healthy lab', () => {
  it('passes every hop, each with its duration', () => {
    expect(result.verdict).toBe('pass');
    expect(result.hops.map((h) => [h.id, h.status])).toEqual([
      ['mx-sales', 'pass'],
      ['mx-wrong-address', 'pass'],
      ['catchall-inbox', 'pass'],
      ['erp-fetch', 'pass'],
      ['crm-lead', 'pass'],
      ['error-notice', 'pass'],
      ['erp-egress-ip', 'pass'],
      ['cleanup', 'pass'],
    ]);
    for (const hop of result.hops) expect(hop.durationMs).toBeGreaterThanOrEqual(0);
    // The 3 s budget is measured by the bench (DESIGN §10), not here; this only says nothing waited on a timeout.
    expect(result.failedHop).toBeUndefined();
  });

  it('found the crm.lead the test mail became through the Message-ID, and deleted it with its messages afterwards', () => {
    const token = result.tokens.sales;
    expect(result.lead).toEqual({ id: expect.any(Number), name: `[mailsetup-test ${token}]` });
    const lead = result.hops.find((h) => h.id === 'crm-lead');
    expect(lead?.evidence).toMatchObject({ leadId: result.lead?.id, messageId: `<mailsetup-test.${token}@outside.test>` });
    expect(run.lab.state.erp.leads.filter((l) => String(l.name).includes(token))).toEqual([]);
    expect(run.lab.state.erp.messages.filter((m) => m.message_id.includes(token) || m.res_id === result.lead?.id)).toEqual([]);
  });

  it('sent the mails as the outside sender from the bot’s address, marked with the token', () => {
    const mx = run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt');
    expect(mx.length).toBeGreaterThanOrEqual(2);
    expect(result.hops[0]?.detail).toMatch(/accepted the test mail to sales@contoso\.test \(250 2\.6\.0\)/);
  });

  it('read the ERP’s real egress IP from the notice and found it in the connector', () => {
    const egress = result.hops.find((h) => h.id === 'erp-egress-ip');
    expect(egress?.evidence).toMatchObject({ egressIp: '203.0.113.10', matched: '203.0.113.10' });
  });

  it('cleaned the test mails out of the catch-all and probe mailboxes', () => {
    const tokens = Object.values(result.tokens);
    for (const box of Object.values(run.lab.state.mail.mailboxes)) {
      expect(box.messages.filter((m) => tokens.some((t) => m.raw.includes(t)))).toEqual([]);
    }
    expect(result.hops.at(-1)?.detail).toBe(
      `Removed 2 test mail(s) from erp@contoso.test; 1 test mail(s) from the probe mailbox probe@outside.test; crm.lead #${result.lead?.id} "[mailsetup-test ${result.tokens.sales}]" with its 1 mail.message from the ERP.`,
    );
  });

  it('reported progress after every hop', () => {
    expect(progress.map((p) => p.length)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('inside the rate limit sends nothing and shows the last run, saying so; two calls at once share one run', async () => {
    const rcpts = () => run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt').length;
    // One test's worth of recipients at the MX (sales@, the wrong address, the ERP's notice): all so far.
    const before = rcpts();
    expect(before).toBe(3);
    const again = await runEndToEnd({ adapters: run.adapters, tenant: run.tenant, options: LAB_E2E });
    expect(rcpts()).toBe(before);
    expect(again.tokens).toEqual(result.tokens);
    expect(again.shared?.reason).toBe('rate-limited');
    expect(again.shared?.detail).toMatch(
      /^No new test mail: the last test for contoso finished (just now|\d+ s ago) and the limit is one test per 60 s; this is its result\. The next test can run in (5\d|60) s\.$/,
    );

    // A fresh store (another bot): two calls at once share one run.
    const other = { ...run.adapters, e2eRuns: Store.open(':memory:').e2eRuns(run.tenant.name) };
    const [a, b] = await Promise.all([
      runEndToEnd({ adapters: other, tenant: run.tenant, options: LAB_E2E }),
      runEndToEnd({ adapters: other, tenant: run.tenant, options: LAB_E2E }),
    ]);
    expect(a.verdict).toBe('pass');
    expect(b.tokens).toEqual(a.tokens);
    expect([a.shared?.reason, b.shared?.reason].sort()).toEqual(['in-flight', undefined]);
    expect(rcpts()).toBe(2 * before);
  });
});
