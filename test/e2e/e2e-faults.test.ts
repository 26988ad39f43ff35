import { afterAll, describe, expect, it } from 'vitest';
import type { Fault } from '../../lab/faults.js';
import { executeEndToEnd } from '../../src/e2e/run.js';
import { DEFAULT_E2E_OPTIONS, type E2eResult } from '../../src/e2e/types.js';
import { LAB_E2E, startLabRun } from './harness.js';

/** Runs the test with a fault; every connection the test opened must be gone when it returns. */
async function e2eWith(fault: Fault): Promise<E2eResult> {
  const run = await startLabRun('healthy', { faults: [fault], fetchMs: 800 });
  try {
    return await executeEndToEnd({ adapters: run.adapters, tenant: run.tenant }, { ...DEFAULT_E2E_OPTIONS, ...LAB_E2E });
  } finally {
    await run.stop();
  }
}

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap' || r === 'TLSWrap' || r === 'TCPServerWrap');

describe('test-email ends a broken conversation in a clear error naming the hop', () => {
  afterAll(async () => {
    // Every client socket and server of these runs is closed: nothing is left hanging.
    await new Promise((r) => setTimeout(r, 50));
    expect(sockets()).toEqual([]);
  });

  it('the MX drops the connection mid-test', async () => {
    const result = await e2eWith({ service: 'mx', kind: 'close' });
    expect(result.verdict).toBe('error');
    expect(result.failedHop?.id).toBe('mx-sales');
    const hop = result.hops[0]!;
    expect(hop.status).toBe('error');
    expect(hop.detail).toMatch(/^SMTP to 127\.0\.0\.1:\d+ \(connecting\): the server closed the connection before answering\.$/);
    expect(hop.evidence).toMatchObject({ code: 'ConnectionLost' });
    // Nothing was accepted, so there is nothing to clean up.
    expect(result.hops.map((h) => h.id)).not.toContain('cleanup');
  });

  it('the MX drops the connection at RCPT', async () => {
    const result = await e2eWith({ service: 'mx', kind: 'close', match: 'rcpt' });
    expect(result.verdict).toBe('error');
    expect(result.hops[0]).toMatchObject({ id: 'mx-sales', status: 'error', evidence: { code: 'ConnectionLost', stage: 'rcpt' } });
    expect(result.hops[0]?.detail).toMatch(/\(RCPT TO\): the server closed the connection before answering\.$/);
  });

  it('the MX stops answering after EHLO (an SMTP timeout)', async () => {
    const result = await e2eWith({ service: 'mx', kind: 'timeout', match: 'mail' });
    expect(result.verdict).toBe('error');
    expect(result.failedHop?.id).toBe('mx-sales');
    expect(result.hops[0]?.evidence).toMatchObject({ code: 'AdapterTimeout', stage: 'mail' });
    expect(result.hops[0]?.detail).toMatch(/MAIL FROM/);
  });

  it('the IMAP server closes the connection while the bot waits for the mail', async () => {
    const result = await e2eWith({ service: 'imap', kind: 'close', match: 'SEARCH' });
    expect(result.verdict).toBe('error');
    expect(result.failedHop?.id).toBe('catchall-inbox');
    const hop = result.hops.find((h) => h.id === 'catchall-inbox')!;
    expect(hop.status).toBe('error');
    expect(hop.evidence?.errorCode).toMatch(/ConnectionLost|AdapterUnavailable/);
    expect(result.hops.filter((h) => ['erp-fetch', 'crm-lead', 'error-notice'].includes(h.id)).every((h) => h.status === 'skip')).toBe(
      true,
    );
    // The clean-up could not read the mailbox either, and says so instead of hanging.
    expect(result.hops.at(-1)).toMatchObject({
      id: 'cleanup',
      status: 'fail',
      detail: expect.stringMatching(/Could not remove the test mails in erp@contoso\.test \(/),
    });
  });
});
