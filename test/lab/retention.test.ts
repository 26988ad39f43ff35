import { describe, expect, it } from 'vitest';
import { KEEP_COMMANDS, KEEP_REQUESTS, trimRecords } from '../../lab/retention.js';
import { createLabTenants } from '../../lab/tenants.js';

describe('a long-running lab trims its records', () => {
  it('keeps the last requests and cmdlets and drops tokens an hour past expiry', () => {
    const tenants = createLabTenants({ count: 2 });
    const now = Date.now();
    for (let i = 0; i < KEEP_REQUESTS + 50; i++) tenants.traffic.requests.push({ service: 'dns', key: `A n${i}.test`, at: now });
    const ms = tenants.all[1]!.microsoft;
    for (let i = 0; i < KEEP_COMMANDS + 5; i++) ms.receivedCommands.push({ CmdletName: `Get-Mailbox`, Parameters: { n: i } });
    ms.tokens.push(
      { token: 'old', audience: 'exchange', clientId: 'c', expiresAt: now - 2 * 3_600_000 },
      { token: 'recent', audience: 'exchange', clientId: 'c', expiresAt: now - 60_000 },
      { token: 'valid', audience: 'graph', clientId: 'c', expiresAt: now + 60_000 },
    );
    trimRecords(tenants, now);
    expect(tenants.traffic.requests).toHaveLength(KEEP_REQUESTS);
    expect(tenants.traffic.requests[0]!.key).toBe('A n50.test');
    expect(ms.receivedCommands).toHaveLength(KEEP_COMMANDS);
    expect(ms.receivedCommands[0]).toEqual({ CmdletName: 'Get-Mailbox', Parameters: { n: 5 } });
    expect(ms.tokens.map((t) => t.token)).toEqual(['recent', 'valid']);
    // The first tenant's state shares the very same request list.
    expect(tenants.first.requests).toBe(tenants.traffic.requests);
  });
});
