import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../src/e2e/poll.js';
import { ipInList, senderIpFromReceived } from '../../src/e2e/received.js';
import { testMessageId, testSubject } from '../../src/e2e/token.js';

describe('Received headers', () => {
  it('takes the IP Exchange Online saw, not an inner hop', () => {
    const received = [
      'from BN8NAM12FT021.eop-nam12.prod.protection.outlook.com (2603:10b6:208:4a::17) by MN2PR04MB1234.namprd04.prod.outlook.com (2603:10b6:208:c0::20) with Microsoft SMTP Server',
      'from erp.contoso.com (203.0.113.10) by BN8NAM12FT021.mail.protection.outlook.com (10.167.242.86) with Microsoft SMTP Server (version=TLS1_3) id 15.20.8000.0 via Frontend Transport; Tue, 24 Nov 2026 01:53:48 +0000',
      'from localhost (localhost [127.0.0.1]) by erp.contoso.com (Postfix) with ESMTP id 1234',
    ];
    expect(senderIpFromReceived(received)?.ip).toBe('203.0.113.10');
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

describe('the end-to-end run as a list of hops', () => {
  it('names each hop by id and title and runs them in the order of DESIGN §5, cleanup last', async () => {
    const { HOPS, cleanup } = await import('../../src/e2e/hops/index.js');
    expect(HOPS.map((h) => h.id)).toEqual([
      'mx-sales',
      'mx-wrong-address',
      'catchall-inbox',
      'erp-fetch',
      'crm-lead',
      'error-notice',
      'erp-egress-ip',
    ]);
    for (const hop of [...HOPS, cleanup]) {
      expect(typeof hop.run).toBe('function');
      expect(hop.title({ salesTo: 'sales@contoso.test', catchall: 'erp@contoso.test' } as never)).toMatch(/^[A-Z]/);
    }
    // Each hop needs only hops before it.
    for (const [i, hop] of HOPS.entries()) for (const need of hop.needs ?? []) expect(HOPS.slice(0, i).map((h) => h.id)).toContain(need);
  });
});

describe('reading a bounce', () => {
  const dsn = (status: string) =>
    [
      'From: Microsoft Outlook <postmaster@contoso.com>',
      'To: <probe@outside.test>',
      'Subject: Undeliverable: [mailsetup-test ms0123]',
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b"',
      '',
      '--b',
      'Content-Type: multipart/alternative; boundary="a"',
      '',
      '--a',
      'Content-Type: text/plain; charset=us-ascii',
      '',
      "Your message to sales@contoso.com couldn't be delivered.",
      '--a',
      'Content-Type: text/html; charset=us-ascii',
      '',
      '<p>Your message couldn&#39;t be delivered.</p>',
      '--a--',
      '',
      '--b',
      'Content-Type: message/delivery-status',
      '',
      'Reporting-MTA: dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
      '',
      'Final-Recipient: rfc822;sales@contoso.com',
      'Action: failed',
      `Status: ${status}`,
      `Diagnostic-Code: smtp;550 ${status} TenantAttribution; Relay Access Denied`,
      ' ATTR36 [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]',
      '',
      '--b',
      'Content-Type: message/rfc822',
      '',
      'Subject: [mailsetup-test ms0123]',
      '',
      'body',
      '--b--',
      '',
    ].join('\r\n');

  it('takes Status and the folded Diagnostic-Code from the message/delivery-status part', async () => {
    const { readDeliveryReport } = await import('../../src/e2e/bounce.js');
    expect(await readDeliveryReport(dsn('5.7.64'))).toEqual({
      reportingMta: 'dns;AM0PR01MB1234.eurprd01.prod.exchangelabs.com',
      finalRecipient: 'rfc822;sales@contoso.com',
      action: 'failed',
      status: '5.7.64',
      diagnosticCode: 'smtp;550 5.7.64 TenantAttribution; Relay Access Denied ATTR36 [AM0PR01MB1234.eurprd01.prod.exchangelabs.com]',
    });
  });

  it('finds nothing in a plain-text bounce without a delivery status', async () => {
    const { readDeliveryReport } = await import('../../src/e2e/bounce.js');
    const plain = 'From: MAILER-DAEMON@outside.test\r\nSubject: Undelivered Mail\r\n\r\nSorry, it did not work.\r\n';
    expect(await readDeliveryReport(plain)).toBeUndefined();
  });
});
