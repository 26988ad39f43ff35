import { describe, expect, it } from 'vitest';
import { testEmailMessage } from '../../src/commands/test-email.js';
import { executeEndToEnd } from '../../src/e2e/run.js';
import { DEFAULT_E2E_OPTIONS, type E2eResult } from '../../src/e2e/types.js';
import { LAB_E2E, startLabRun } from './harness.js';

async function e2eIn(scenario: string): Promise<E2eResult> {
  const run = await startLabRun(scenario);
  try {
    return await executeEndToEnd({ adapters: run.adapters, tenant: run.tenant }, { ...DEFAULT_E2E_OPTIONS, ...LAB_E2E });
  } finally {
    await run.stop();
  }
}

const statuses = (r: E2eResult) => Object.fromEntries(r.hops.map((h) => [h.id, h.status]));

describe('test-email names the hop that failed and its likely cause', () => {
  it('catchall-rule-disabled: fails at the catch-all inbox (the mail bounced), rule named as the cause', async () => {
    const result = await e2eIn('catchall-rule-disabled');
    expect(result.verdict).toBe('fail');
    expect(result.failedHop).toEqual({ id: 'catchall-inbox', name: 'Catch-all inbox erp@contoso.test' });
    expect(statuses(result)).toMatchObject({ 'mx-sales': 'pass', 'catchall-inbox': 'fail', 'erp-fetch': 'skip', 'crm-lead': 'skip' });
    const inbox = result.hops.find((h) => h.id === 'catchall-inbox');
    expect(inbox?.detail).toMatch(
      /^Exchange Online returned the test mail to probe@outside\.test as undeliverable \("Undeliverable: \[mailsetup-test ms[0-9a-f]+\]"\): 554 5\.4\.14 Hop count exceeded - possible mail loop ATTR34 \[[^\]]+\], instead of redirecting it to erp@contoso\.test\.$/,
    );
    // Read from the bounce's message/delivery-status part and mapped through the cause table.
    expect(inbox?.evidence?.deliveryStatus).toMatchObject({
      finalRecipient: 'rfc822;sales@contoso.test',
      action: 'failed',
      status: '5.4.14',
    });
    expect(result.cause).toMatchObject({ code: '5.4.14', checkId: 'exchange-catchall-rule' });
    expect(result.cause?.explanation).toMatch(/Hop count exceeded/);
    expect(testEmailMessage(result).summary).toMatch(
      /^test-email failed at catch-all inbox erp@contoso\.test — Exchange Online returned the test mail/,
    );
    // The bounces were cleaned from the probe mailbox.
    expect(result.hops.at(-1)).toMatchObject({ id: 'cleanup', status: 'pass' });
  });

  it('domain-authoritative: the MX refuses sales@ with 5.4.1, mapped to the accepted domain', async () => {
    const result = await e2eIn('domain-authoritative');
    expect(result.verdict).toBe('fail');
    expect(result.failedHop?.id).toBe('mx-sales');
    expect(result.cause).toMatchObject({ code: '5.4.1', checkId: 'exchange-accepted-domain' });
    expect(result.hops[0]?.detail).toMatch(/refused RCPT TO:<sales@contoso\.test>: 550 5\.4\.1 Recipient address rejected: Access denied/);
    expect(result.hops.slice(1).every((h) => h.status === 'skip')).toBe(true);
  });

  it('connector-ip-missing: the ERP cannot relay its error notice (5.7.64), mapped to the connector IPs', async () => {
    const result = await e2eIn('connector-ip-missing');
    expect(result.failedHop?.id).toBe('error-notice');
    expect(statuses(result)).toMatchObject({ 'crm-lead': 'pass', 'error-notice': 'fail', 'erp-egress-ip': 'skip' });
    expect(result.cause).toMatchObject({ code: '5.7.64', checkId: 'exchange-connector-ips' });
  });
});
