import { describe, expect, it } from 'vitest';
import { admit, track } from '../../src/e2e/gate.js';
import { pollUntil } from '../../src/e2e/poll.js';
import { ipInList, senderIpFromReceived } from '../../src/e2e/received.js';
import { testMessageId, testSubject } from '../../src/e2e/token.js';
import { DEFAULT_E2E_OPTIONS, type E2eResult } from '../../src/e2e/types.js';

describe('Received headers', () => {
  it('takes the IP Exchange Online saw, not an inner hop', () => {
    const received = [
      'from BN8NAM12FT021.eop-nam12.prod.protection.outlook.com (2603:10b6:208:4a::17) by MN2PR04MB1234.namprd04.prod.outlook.com (2603:10b6:208:c0::20) with Microsoft SMTP Server',
      'from erp.contoso.com (203.0.113.10) by BN8NAM12FT021.mail.protection.outlook.com (10.167.242.86) with Microsoft SMTP Server (version=TLS1_3) id 15.20.8000.0 via Frontend Transport; Tue, 24 Nov 2026 01:53:48 +0000',
      'from localhost (localhost [127.0.0.1]) by erp.contoso.com (Postfix) with ESMTP id 1234',
    ];
    expect(senderIpFromReceived(received)?.ip).toBe('2603:10b6:208:4a::17');
    expect(senderIpFromReceived(received.slice(1))?.ip).toBe('203.0.113.10');
    expect(senderIpFromReceived(['from mail.fabrikam.test ([198.51.100.7]) by mx.fabrikam.test'])?.ip).toBe('198.51.100.7');
    expect(senderIpFromReceived(['by mx.example with local'])).toBeUndefined();
  });

  it('matches single IPs and CIDR ranges, v4 and v6, including v4-mapped addresses', () => {
    expect(ipInList('203.0.113.10', ['198.51.100.0/24', '203.0.113.0/28'])).toBe('203.0.113.0/28');
    expect(ipInList('203.0.113.99', ['203.0.113.0/28', '203.0.113.10'])).toBeUndefined();
    expect(ipInList('::ffff:203.0.113.10', ['203.0.113.10'])).toBe('203.0.113.10');
    expect(ipInList('2001:db8::5', ['2001:db8::/64'])).toBe('2001:db8::/64');
    expect(ipInList('not an ip', ['203.0.113.10'])).toBeUndefined();
    // Exchange's own range form, as SenderIPAddresses may hold it.
    expect(ipInList('203.0.113.15', ['198.51.100.7', '203.0.113.1-203.0.113.20'])).toBe('203.0.113.1-203.0.113.20');
    expect(ipInList('203.0.113.21', ['203.0.113.1-203.0.113.20'])).toBeUndefined();
  });
});

describe('test mail marks', () => {
  it('puts the token in the subject and a Message-ID under the sender’s domain', () => {
    expect(testSubject('ms0123')).toBe('[mailsetup-test ms0123]');
    expect(testMessageId('ms0123', 'probe@outside.test')).toBe('<mailsetup-test.ms0123@outside.test>');
  });
});

describe('pollUntil', () => {
  it('retries with growing waits until a value comes, and gives up at the bound', async () => {
    let calls = 0;
    const value = await pollUntil(async () => (++calls >= 3 ? 'here' : undefined), { timeoutMs: 1000, initialMs: 5, maxMs: 20 });
    expect(value).toBe('here');
    expect(calls).toBe(3);
    expect(await pollUntil(async () => undefined, { timeoutMs: 60, initialMs: 5, maxMs: 20 })).toBeUndefined();
  });

  it('stops with AdapterTimeout when aborted', async () => {
    const abort = new AbortController();
    setTimeout(() => abort.abort(), 20);
    await expect(
      pollUntil(async () => undefined, { timeoutMs: 5000, initialMs: 1000, maxMs: 1000, signal: abort.signal }),
    ).rejects.toMatchObject({
      code: 'AdapterTimeout',
    });
  });
});

describe('the per-tenant rate limit', () => {
  const options = { ...DEFAULT_E2E_OPTIONS, minIntervalMs: 60_000, maxRunsPerWindow: 3, windowMs: 600_000 };
  const result = { verdict: 'pass' } as E2eResult;

  it('allows one run per interval and at most N per window', async () => {
    const key = {};
    let now = 1_000_000;
    const clock = () => now;
    expect(admit(key, options, now)).toEqual({ kind: 'run' });
    await track(key, now, Promise.resolve(result), clock);
    now += 10_000;
    expect(admit(key, options, now)).toMatchObject({ kind: 'wait', waitMs: 50_000, last: result });
    for (let i = 0; i < 2; i++) {
      now += 60_000;
      expect(admit(key, options, now).kind).toBe('run');
      await track(key, now, Promise.resolve(result), clock);
    }
    now += 60_000;
    const third = admit(key, options, now);
    expect(third).toMatchObject({ kind: 'wait', reason: expect.stringContaining('at most 3 tests per 10 min') });
    now = 1_000_000 + 600_000;
    expect(admit(key, options, now).kind).toBe('run');
  });

  it('lets a call join the run in flight', async () => {
    const key = {};
    const pending = track(key, 0, new Promise<E2eResult>((resolve) => setTimeout(() => resolve(result), 10)), () => 0);
    const second = admit(key, options, 0);
    expect(second.kind).toBe('join');
    expect(await (second as { run: Promise<E2eResult> }).run).toBe(result);
    await pending;
  });
});
