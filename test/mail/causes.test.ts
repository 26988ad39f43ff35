import { describe, expect, it } from 'vitest';
import { causeOfText, enhancedCode, mapCause, replyCode } from '../../src/mail/causes.js';

/** Real NDR and reply texts (exchange.md §e; Microsoft's NDR articles; the ERP's wording of them). */
const NDR = {
  relay: '550 5.7.64 TenantAttribution; Relay Access Denied [SN1NAM02FT043.eop-nam02.prod.protection.outlook.com]',
  relayInOdoo:
    "The server refused the test recipient (noreply@odoo.com) with error (550, b'5.7.64 TenantAttribution; Relay Access Denied [BN8NAM12FT021.eop-nam12.prod.protection.outlook.com]')",
  directSend: '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources',
  dbeb: '550 5.4.1 Recipient address rejected: Access denied. For more information see https://aka.ms/EXOSmtpErrors [AM4PEPF00027A5F.eurprd04.prod.outlook.com]',
  notAuthenticated:
    '530 5.7.57 Client was not authenticated to send anonymous mail during MAIL FROM [AM0PR02CA0123.eurprd02.prod.outlook.com]',
  basicAuthOff: '550 5.7.30 Basic authentication is not supported for Client Submission',
  helloFirst: '503 5.5.2 Send hello first [BN8NAM12FT021.eop-nam12.prod.protection.outlook.com]',
  banned:
    '550 5.7.606 Access denied, banned sending IP [203.0.113.10]. To request removal from this list please visit https://sender.office.com/ and follow the directions. For more information please go to http://go.microsoft.com/fwlink/?LinkID=526655 AS(1430)',
  reputation:
    '550 5.7.708 Service unavailable. Access denied, traffic not accepted from this IP. For more information please go to http://go.microsoft.com/fwlink/?LinkId=526653 AS(7230)',
  throttled: '451 4.7.500 Server busy. Please try again later from [203.0.113.10]. (AS77714)',
  loop: "Remote Server returned '554 5.4.14 Hop count exceeded - possible mail loop ATTR34 [BN8NAM12FT021.eop-nam12.prod.protection.outlook.com]'",
  imapAuthenticate: 'A2 NO AUTHENTICATE failed.',
  imapLogin: 'A1 NO LOGIN failed.',
  odooImap: 'Server replied with following exception: b"AUTHENTICATE failed."',
} as const;

describe('reply codes', () => {
  it('reads the basic and the enhanced code, also inside the ERP’s wording', () => {
    expect(replyCode(NDR.relay)).toBe(550);
    expect(enhancedCode(NDR.relay)).toBe('5.7.64');
    expect(enhancedCode(NDR.relayInOdoo)).toBe('5.7.64');
    expect(enhancedCode('550-5.7.64 TenantAttribution')).toBe('5.7.64');
    expect(enhancedCode(NDR.throttled)).toBe('4.7.500');
    // Not an IP address or a version number.
    expect(enhancedCode('ip4:40.92.0.0/15 and 10.5.4.1')).toBeUndefined();
  });
});

describe('mapCause', () => {
  it.each([
    ['relay', NDR.relay, '5.7.64', 'exchange-connector-ips', /SenderIPAddresses/],
    ['relay as the ERP words it', NDR.relayInOdoo, '5.7.64', 'exchange-connector-ips', /SenderIPAddresses/],
    ['direct send', NDR.directSend, '5.7.68', 'exchange-reject-direct-send', /RejectDirectSend/],
    ['DBEB', NDR.dbeb, '5.4.1', 'exchange-accepted-domain', /InternalRelay/],
    ['client submission without login', NDR.notAuthenticated, '5.7.57', 'erp-outgoing-server', /port 25/],
    ['basic auth off', NDR.basicAuthOff, '5.7.30', 'erp-outgoing-server', /MX host, port 25/],
    ['send hello first', NDR.helloFirst, '5.5.2', 'erp-outgoing-server', /EHLO/],
    ['banned IP', NDR.banned, '5.7.606', 'exchange-connector-ips', /sender\.office\.com/],
    ['IP reputation', NDR.reputation, '5.7.708', 'exchange-connector-ips', /sender\.office\.com/],
    ['throttling', NDR.throttled, '4.7.500', 'exchange-connector-ips', /SenderIPAddresses/],
    ['mail loop (no catch-all redirect)', NDR.loop, '5.4.14', 'exchange-catchall-rule', /Enable-TransportRule/],
  ])('%s → the step at fault, with its fix', (_name, text, code, checkId, fix) => {
    const cause = causeOfText(text, { protocol: 'smtp' });
    expect(cause).toMatchObject({ code, checkId });
    expect(cause?.fix).toMatch(fix);
    expect(cause?.explanation.length).toBeGreaterThan(40);
  });

  it('maps IMAP login refusals to the ERP incoming server (password IMAP to Exchange)', () => {
    for (const text of [NDR.imapAuthenticate, NDR.imapLogin, NDR.odooImap]) {
      const cause = causeOfText(text);
      expect(cause?.checkId).toBe('erp-incoming-server');
      expect(cause?.fix).toMatch(/OAuth/);
    }
    expect(causeOfText(NDR.imapLogin)?.code).toBe('LOGIN failed');
    expect(causeOfText('a1 NO [AUTHENTICATIONFAILED] Authentication failed.', { protocol: 'imap' })?.code).toBe('AUTHENTICATIONFAILED');
  });

  it("maps the bot's own IMAP refusal to its own login check", () => {
    expect(causeOfText(NDR.imapAuthenticate, { protocol: 'imap', seenBy: 'bot' })).toMatchObject({
      code: 'AUTHENTICATE failed',
      checkId: 'mailflow-imap-login',
    });
  });

  it('maps a port-25 timeout to the outgoing server (cloud providers block port 25), and not on other ports', () => {
    const erp = mapCause({ text: 'Connection timed out', errorCode: 'ETIMEDOUT', port: 25, protocol: 'smtp' });
    expect(erp).toMatchObject({ code: 'timeout on port 25', checkId: 'erp-outgoing-server' });
    expect(erp?.explanation).toMatch(/Azure/);
    expect(mapCause({ text: 'timed out', port: 25, seenBy: 'bot' })?.checkId).toBe('mailflow-e2e');
    expect(mapCause({ text: 'Connection timed out', errorCode: 'ETIMEDOUT', port: 587, protocol: 'smtp' })).toBeUndefined();
  });

  it('maps a refused submission port (the ERP on :587 of the MX host) to the outgoing server', () => {
    const cause = causeOfText('[Errno 111] Connection refused (contoso-test.mail.protection.outlook.com:587)', { protocol: 'smtp' });
    expect(cause).toMatchObject({ checkId: 'erp-outgoing-server' });
    expect(cause?.fix).toMatch(/port 25/);
    expect(
      causeOfText('[Errno 111] Connection refused (contoso-test.mail.protection.outlook.com:25)', { protocol: 'smtp' }),
    ).toBeUndefined();
  });

  it('knows nothing about an ordinary acceptance or an unknown text', () => {
    expect(causeOfText('250 2.6.0 Queued mail for delivery')).toBeUndefined();
    expect(causeOfText('something else went wrong')).toBeUndefined();
  });
});

describe('the relay rule of 1 Nov 2023 (envelope sender in an accepted domain)', () => {
  const attr36 = '550 5.7.64 TenantAttribution; Relay Access Denied ATTR36 [BN8NAM12FT021.eop-nam12.prod.protection.outlook.com]';

  it('maps 5.7.64 to the envelope sender when the relay context says its domain is no accepted domain, whatever the suffix', () => {
    for (const text of [attr36, NDR.relay]) {
      const cause = mapCause({
        text,
        protocol: 'smtp',
        relay: { envelopeSender: 'bounce@erp-hosting.example', senderDomainAccepted: false },
      });
      expect(cause).toMatchObject({ code: '5.7.64 envelope sender', checkId: 'erp-envelope-sender' });
      expect(cause?.explanation).toMatch(/bounce@erp-hosting\.example/);
      expect(cause?.fix).toMatch(/mail\.bounce\.alias/);
    }
  });

  it('keeps the connector cause when the envelope sender is accepted or unknown, even with the ATTR36 suffix', () => {
    expect(mapCause({ text: attr36, protocol: 'smtp', relay: { senderDomainAccepted: true } })?.checkId).toBe('exchange-connector-ips');
    const unknown = causeOfText(attr36, { protocol: 'smtp' });
    expect(unknown?.checkId).toBe('exchange-connector-ips');
    expect(unknown?.explanation).toMatch(/envelope sender/);
  });
});

describe('Exchange IMAP: authenticated but not connected', () => {
  it('maps the refusal after a good login to the mailbox access, for the bot and for the ERP', () => {
    const text =
      'Exchange Online accepted the bot\'s login to erp@contoso.test but refused to open its INBOX: "User is authenticated but not connected.".';
    expect(causeOfText(text, { protocol: 'imap', seenBy: 'bot' })).toMatchObject({ code: 'not connected', checkId: 'mailflow-imap-login' });
    expect(causeOfText(text, { protocol: 'imap', seenBy: 'bot' })?.fix).toMatch(/FullAccess.*ImapEnabled/);
    expect(
      causeOfText('Server replied with following exception: b"User is authenticated but not connected."', { protocol: 'imap' })?.checkId,
    ).toBe('exchange-catchall-mailbox');
  });
});
