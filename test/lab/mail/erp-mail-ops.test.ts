import { afterEach, describe, expect, it } from 'vitest';
import { createErpMailOps, MailTransportError } from '../../../lab/mail/erp-mail-ops.js';
import { appendMessage } from '../../../lab/mail/store.js';
import type { LabState } from '../../../lab/state.js';
import { labTls } from '../../../lab/tls.js';
import { receivedChain, startMailOnly } from './mail-lab.js';

let lab: Awaited<ReturnType<typeof startMailOnly>> | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const MX = { host: 'contoso-test.mail.protection.outlook.com', port: 25, encryption: 'starttls' };
const IMAP_OAUTH = { host: 'outlook.office365.com', port: 993, ssl: true, user: 'erp@contoso.test', oauth: true };

async function rejection(promise: Promise<unknown>): Promise<MailTransportError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(MailTransportError);
  return error as MailTransportError;
}

const mxConnectsFrom = (state: LabState) => state.requests.filter((r) => r.service === 'mx' && r.key === 'data').length;

describe("the ERP's mail operations (real SMTP/IMAP from 127.0.0.2)", () => {
  it('Test Connection: reaches DATA (354) through the connector and sends nothing', async () => {
    lab = await startMailOnly();
    await lab.state.mailOps.testSmtp(MX, 'erp@contoso.test');
    expect(mxConnectsFrom(lab.state)).toBe(1);
    expect(lab.state.mail.mailboxes['noreply@odoo.com']).toBeUndefined();
  });

  it('Test Connection: the relay refusal comes back as the MX said it, at RCPT TO', async () => {
    lab = await startMailOnly((s) => {
      s.microsoft.exchange.inboundConnectors[0]!.SenderIPAddresses = ['203.0.113.99'];
    });
    const error = await rejection(lab.state.mailOps.testSmtp(MX, 'erp@contoso.test'));
    expect(error.kind).toBe('refused');
    expect(error.stage).toBe('RCPT TO');
    expect(error.message).toMatch(/^550 5\.7\.64 TenantAttribution; Relay Access Denied \[/);
  });

  it('Test Connection to a port the MX host does not serve, or an unknown host, gets no response', async () => {
    lab = await startMailOnly();
    expect((await rejection(lab.state.mailOps.testSmtp({ ...MX, port: 587 }, 'erp@contoso.test'))).kind).toBe('no-response');
    expect((await rejection(lab.state.mailOps.testSmtp({ ...MX, host: 'smtp.nowhere.test' }, 'erp@contoso.test'))).message).toMatch(
      /Name or service not known/,
    );
  });

  it('sends a mail through the MX to the outside world (the error notice, the outbound leg)', async () => {
    lab = await startMailOnly();
    const raw = 'From: <sales@contoso.test>\r\nTo: <probe@outside.test>\r\nSubject: Receiving error with: hello\r\n\r\nNo route.\r\n';
    await lab.state.mailOps.send(MX, { from: 'sales@contoso.test', to: ['probe@outside.test'] }, raw);
    const [notice] = lab.state.mail.mailboxes['probe@outside.test']!.messages;
    expect(receivedChain(notice?.raw ?? '').at(-1)).toMatch(/^from erp\.contoso\.test \(203\.0\.113\.10\) by /);
    expect(notice?.raw).toContain('Subject: Receiving error with: hello');
  });

  it('Test & Confirm: OAuth (server_type outlook) logs in; a password gets AUTHENTICATE failed.', async () => {
    lab = await startMailOnly();
    await lab.state.mailOps.testImap(IMAP_OAUTH);
    const error = await rejection(lab.state.mailOps.testImap({ ...IMAP_OAUTH, oauth: false, password: 'erp-password' }));
    expect(error).toMatchObject({ kind: 'refused', message: 'AUTHENTICATE failed.' });
  });

  it('fetch: returns the unseen messages and flags them \\Seen, so a second fetch finds nothing', async () => {
    lab = await startMailOnly((s) => {
      const inbox = s.mail.mailboxes['erp@contoso.test']!;
      appendMessage(inbox, 'Subject: one\r\n\r\n1\r\n');
      appendMessage(inbox, 'Subject: already read\r\n\r\n2\r\n', { flags: ['\\Seen'] });
      appendMessage(inbox, 'Subject: two\r\n\r\n3\r\n');
    });
    const first = await lab.state.mailOps.fetchUnseen(IMAP_OAUTH);
    expect(first.map((b) => /Subject: (.*)\r\n/.exec(b.toString())?.[1])).toEqual(['one', 'two']);
    expect(await lab.state.mailOps.fetchUnseen(IMAP_OAUTH)).toEqual([]);
  });

  it('an IMAP server that closes the connection, or never greets, ends in a clear error', async () => {
    lab = await startMailOnly((s) => {
      s.faults.push(
        { service: 'imap', match: 'AUTHENTICATE', kind: 'close', times: 1 },
        { service: 'imap', match: 'connect', kind: 'timeout', times: 1 },
      );
    });
    const ops = createErpMailOps(lab.state, labTls().caPem, { connectionTimeout: 500, greetingTimeout: 300, socketTimeout: 500 });
    // The connect fault is listed second but is the only one matching the connect stage.
    const timedOut = await rejection(ops.testImap(IMAP_OAUTH));
    expect(timedOut.kind).toBe('no-response');
    const closed = await rejection(ops.testImap(IMAP_OAUTH));
    expect(closed).toMatchObject({ kind: 'closed', message: 'socket error: EOF' });
    await ops.testImap(IMAP_OAUTH);
  });
});
