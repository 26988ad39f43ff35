import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { E2eRateLimited } from '../../src/e2e/gate.js';
import { runEndToEnd } from '../../src/e2e/run.js';
import type { E2eResult } from '../../src/e2e/types.js';
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

  it('created a crm.lead with the token in the ERP, found through the Message-ID', () => {
    const token = result.tokens.sales;
    const leads = run.lab.state.erp.leads.filter((l) => String(l.name).includes(token));
    expect(leads).toHaveLength(1);
    expect(result.lead).toEqual({ id: leads[0]!.id, name: `[mailsetup-test ${token}]` });
    const message = run.lab.state.erp.messages.find((m) => m.message_id === `<mailsetup-test.${token}@outside.test>`);
    expect(message).toMatchObject({ model: 'crm.lead', res_id: leads[0]!.id });
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
    expect(result.hops.at(-1)?.detail).toBe('Removed 2 test mail(s) from erp@contoso.test and 1 from the probe mailbox.');
  });

  it('reported progress after every hop', () => {
    expect(progress.map((p) => p.length)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('refuses a second run inside the window with "wait N s", and joins a run in flight', async () => {
    const error = await runEndToEnd({ adapters: run.adapters, tenant: run.tenant, options: LAB_E2E }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(E2eRateLimited);
    const limited = error as E2eRateLimited;
    expect(limited.code).toBe('AdapterThrottled');
    expect(limited.message).toMatch(
      /^test-email ran for contoso a moment ago; wait (5\d|60) s before the next one \(one test per 60 s\)\.$/,
    );
    expect(limited.last?.verdict).toBe('pass');

    // A fresh tenant state (another adapter set): two calls at once share one run.
    const other = { ...run.adapters };
    const [a, b] = await Promise.all([
      runEndToEnd({ adapters: other, tenant: run.tenant, options: LAB_E2E }),
      runEndToEnd({ adapters: other, tenant: run.tenant, options: LAB_E2E }),
    ]);
    expect(a).toBe(b);
    expect(a.verdict).toBe('pass');
  });
});
