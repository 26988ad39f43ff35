import { simpleParser } from 'mailparser';
import MailComposer from 'nodemailer/lib/mail-composer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ErpImapServer, ErpMailOps, ErpSmtpServer } from '../../../lab/erp/mail-ops.js';
import { type ErpLab, startErpOnly } from '../../adapters/erp/erp-lab.js';

let lab: ErpLab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

/** A mailOps that records what the ERP asked and hands out queued raw messages. */
function fakeMailOps(options: { smtpError?: Error; imapError?: Error } = {}) {
  const inbox: Buffer[] = [];
  const calls = {
    testSmtp: [] as { server: ErpSmtpServer; mailFrom: string }[],
    testImap: [] as ErpImapServer[],
    fetchUnseen: [] as ErpImapServer[],
    send: [] as { server: ErpSmtpServer; envelope: { from: string; to: string[] }; raw: string }[],
  };
  const ops: ErpMailOps = {
    testSmtp: async (server, mailFrom) => {
      calls.testSmtp.push({ server, mailFrom });
      if (options.smtpError) throw options.smtpError;
    },
    testImap: async (server) => {
      calls.testImap.push(server);
      if (options.imapError) throw options.imapError;
    },
    fetchUnseen: async (server) => {
      calls.fetchUnseen.push(server);
      if (options.imapError) throw options.imapError;
      return inbox.splice(0);
    },
    send: async (server, envelope, raw) => {
      calls.send.push({ server, envelope, raw: raw.toString() });
    },
  };
  return { ops, calls, deliver: (raw: Buffer) => inbox.push(raw) };
}

function rawMail(fields: { to: string; subject: string; messageId: string; inReplyTo?: string; from?: string }): Promise<Buffer> {
  return new MailComposer({ from: fields.from ?? 'Outside Probe <probe@outside.test>', text: 'Hello, please call me back.', ...fields })
    .compile()
    .build();
}

describe('lab ERP: Test Connection (ir.mail_server.test_smtp_connection)', () => {
  it('16: runs the SMTP test from the from_filter sender and answers "Connection Test Successful!"', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ mailOps: mail.ops });
    const outcome = await lab.client.testOutgoingServer(1);
    expect(outcome).toMatchObject({ ok: true, message: 'Connection Test Successful!' });
    expect(mail.calls.testSmtp).toEqual([
      {
        server: { host: 'contoso-test.mail.protection.outlook.com', port: 25, encryption: 'starttls' },
        mailFrom: 'notifications@contoso.test',
      },
    ]);
  });

  it('13: success arrives as the "Connection Test Succeeded!" UserError, from the user\'s own address', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ version: 13, mailOps: mail.ops });
    const outcome = await lab.client.testOutgoingServer(1);
    expect(outcome).toEqual({ ok: true, message: 'Connection Test Succeeded! Everything seems properly set up!' });
    expect(mail.calls.testSmtp[0]?.mailFrom).toBe('mailsetup-bot@contoso.test');
  });

  it("a refused recipient gives Odoo's text with the server's reply", async () => {
    const refused = Object.assign(new Error('550 5.7.64 TenantAttribution; Relay Access Denied'), { kind: 'refused', stage: 'RCPT TO' });
    lab = await startErpOnly({ mailOps: fakeMailOps({ smtpError: refused }).ops });
    const outcome = await lab.client.testOutgoingServer(1);
    expect(outcome).toEqual({
      ok: false,
      message: 'The server refused the test recipient (noreply@odoo.com) with error 550 5.7.64 TenantAttribution; Relay Access Denied',
    });
  });

  it('no answer on the port gives "No response received"', async () => {
    const down = Object.assign(new Error('[Errno 111] Connection refused'), { kind: 'no-response' });
    lab = await startErpOnly({ version: 19, mailOps: fakeMailOps({ smtpError: down }).ops });
    const outcome = await lab.client.testOutgoingServer(1);
    expect(outcome.ok).toBe(false);
    expect(outcome.message).toBe('No response received. Check server address and port number. [Errno 111] Connection refused');
  });
});

describe('lab ERP: Test & Confirm (fetchmail.server.button_confirm_login)', () => {
  it('logs in with OAuth (no password) and confirms the server', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({
      mailOps: mail.ops,
      change: (s) => {
        s.erp.fetchmailServers[0]!.state = 'draft';
      },
    });
    expect(await lab.client.testIncomingServer(1)).toMatchObject({ ok: true });
    expect(mail.calls.testImap).toEqual([{ host: 'outlook.office365.com', port: 993, ssl: true, user: 'erp@contoso.test', oauth: true }]);
    expect((await lab.client.incomingServers()).servers[0]?.state).toBe('done');
  });

  it('a refused login is "Server replied with following exception" and the server stays unconfirmed', async () => {
    const refused = Object.assign(new Error('AUTHENTICATE failed.'), { kind: 'refused', stage: 'AUTHENTICATE' });
    lab = await startErpOnly({
      mailOps: fakeMailOps({ imapError: refused }).ops,
      change: (s) => Object.assign(s.erp.fetchmailServers[0]!, { state: 'draft', server_type: 'imap', password: 'Summer2022!' }),
    });
    expect(await lab.client.testIncomingServer(1)).toEqual({
      ok: false,
      message: 'Server replied with following exception: AUTHENTICATE failed.',
    });
    expect(lab.state.erp.fetchmailServers[0]?.state).toBe('draft');
  });
});

describe('lab ERP: fetch (fetchmail.server.fetch_mail) and routing', () => {
  it('mail to sales@ becomes a crm.lead, found through mail.message.message_id', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ mailOps: mail.ops });
    mail.deliver(
      await rawMail({ to: 'sales@contoso.test', subject: 'Quote for 40 chairs [tok-81f3]', messageId: '<tok-81f3@outside.test>' }),
    );
    expect(await lab.client.fetchMail(1)).toMatchObject({ ok: true });

    const message = await lab.client.findMessageByMessageId('tok-81f3@outside.test');
    expect(message).toMatchObject({ messageId: '<tok-81f3@outside.test>', model: 'crm.lead' });
    const lead = await lab.client.readLead(message!.resId!);
    expect(lead).toMatchObject({
      name: 'Quote for 40 chairs [tok-81f3]',
      emailFrom: 'Outside Probe <probe@outside.test>',
      team: { id: 1, name: 'Sales' },
      type: 'lead',
    });
    expect(mail.calls.fetchUnseen[0]).toMatchObject({ host: 'outlook.office365.com', user: 'erp@contoso.test', oauth: true });
  });

  it('a duplicate Message-Id is ignored; a reply joins the thread', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ mailOps: mail.ops });
    const first = await rawMail({ to: 'sales@contoso.test', subject: 'First', messageId: '<m1@outside.test>' });
    mail.deliver(first);
    mail.deliver(first);
    mail.deliver(
      await rawMail({ to: 'someone@contoso.test', subject: 'Re: First', messageId: '<m2@outside.test>', inReplyTo: '<m1@outside.test>' }),
    );
    await lab.client.fetchMail(1);
    expect(lab.state.erp.leads).toHaveLength(1);
    const reply = await lab.client.findMessageByMessageId('<m2@outside.test>');
    expect(reply).toMatchObject({ model: 'crm.lead', resId: lab.state.erp.leads[0]?.id });
    expect(lab.state.erp.serverLog.join('\n')).toMatch(/found duplicated Message-Id/);
    expect(mail.calls.send).toEqual([]);
  });

  it('unroutable mail gets the error notice through the outgoing server', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ mailOps: mail.ops });
    mail.deliver(await rawMail({ to: 'nobody-x1@contoso.test', subject: 'Wrong address [tok-22]', messageId: '<tok-22@outside.test>' }));
    await lab.client.fetchMail(1);
    expect(lab.state.erp.leads).toHaveLength(0);
    expect(mail.calls.send).toHaveLength(1);
    const sent = mail.calls.send[0]!;
    expect(sent.server).toMatchObject({ host: 'contoso-test.mail.protection.outlook.com', port: 25, encryption: 'starttls' });
    // The envelope sender is Odoo's bounce address (mail.bounce.alias @ mail.catchall.domain), not the From.
    expect(sent.envelope).toEqual({ from: 'bounce@contoso.test', to: ['probe@outside.test'] });
    const notice = await simpleParser(sent.raw);
    expect(notice.subject).toBe('Receiving error with: Wrong address [tok-22]');
    expect(notice.from?.text).toBe('nobody-x1@contoso.test');
    expect(notice.inReplyTo).toBe('<tok-22@outside.test>');
    expect(notice.html).toMatch(/No possible route found for incoming message/);
    // auto_delete: the mail.mail is gone once sent.
    expect(lab.state.erp.mails).toEqual([]);
  });

  it('without the OCA module unroutable mail is only logged', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({
      mailOps: mail.ops,
      change: (s) => {
        s.erp.modules.find((m) => m.name === 'fetchmail_notify_error_to_sender')!.state = 'uninstalled';
      },
    });
    mail.deliver(await rawMail({ to: 'nobody@contoso.test', subject: 'Lost', messageId: '<lost@outside.test>' }));
    await lab.client.fetchMail(1);
    expect(mail.calls.send).toEqual([]);
    expect(lab.state.erp.serverLog.join('\n')).toMatch(/No possible route found for incoming message from .*probe@outside.test/);
  });

  it('an alias for followers only bounces outside senders and creates no lead', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({
      mailOps: mail.ops,
      change: (s) => {
        s.erp.teams[0]!.alias_contact = 'followers';
      },
    });
    mail.deliver(await rawMail({ to: 'sales@contoso.test', subject: 'Hello', messageId: '<f1@outside.test>' }));
    await lab.client.fetchMail(1);
    expect(lab.state.erp.leads).toHaveLength(0);
    expect(mail.calls.send[0]?.envelope.to).toEqual(['probe@outside.test']);
    const bounce = await simpleParser(mail.calls.send[0]!.raw);
    expect(bounce.html).toMatch(/could not be accepted by the address sales@contoso.test/);
  });

  it('17: the alias matches through mail.alias.domain', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({
      version: 17,
      mailOps: mail.ops,
      change: (s) => {
        s.erp.params.find((p) => p.key === 'mail.catchall.domain')!.value = 'stale.test';
      },
    });
    mail.deliver(await rawMail({ to: 'sales@contoso.test', subject: 'On 17', messageId: '<v17@outside.test>' }));
    await lab.client.fetchMail(1);
    expect(lab.state.erp.leads.map((l) => l.name)).toEqual(['On 17']);
  });

  const imapDown = () => Object.assign(new Error('[Errno 111] Connection refused'), { kind: 'no-response' });

  it('16: a connection failure is only logged and fetch_mail still returns True', async () => {
    lab = await startErpOnly({ mailOps: fakeMailOps({ imapError: imapDown() }).ops });
    expect(await lab.client.fetchMail(1)).toMatchObject({ ok: true, returned: true });
    expect(lab.state.erp.serverLog.join('\n')).toMatch(/General failure when trying to fetch mail/);
    // `date` is written anyway.
    expect(lab.state.erp.fetchmailServers[0]?.date).not.toBeNull();
  });

  it('17: a manual fetch raises "Couldn\'t get your emails"', async () => {
    lab = await startErpOnly({ version: 17, mailOps: fakeMailOps({ imapError: imapDown() }).ops });
    expect(await lab.client.fetchMail(1)).toEqual({
      ok: false,
      message: "Couldn't get your emails. Check out the error message below for more info: [Errno 111] Connection refused",
    });
  });

  it('19: a manual fetch raises and keeps the error on the server', async () => {
    lab = await startErpOnly({ version: 19, mailOps: fakeMailOps({ imapError: imapDown() }).ops });
    expect(await lab.client.fetchMail(1)).toMatchObject({ ok: false, message: '[Errno 111] Connection refused' });
    expect((await lab.client.incomingServers()).servers[0]?.errorMessage).toBe('[Errno 111] Connection refused');
  });
});

describe('lab ERP: the fetch cron', () => {
  it('is found by its xmlid (mail. on 16+, fetchmail. before) and runs on method_direct_trigger', async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ mailOps: mail.ops });
    expect(await lab.client.fetchCron()).toMatchObject({
      id: 12,
      xmlid: 'mail.ir_cron_mail_gateway_action',
      active: true,
      intervalNumber: 5,
    });
    mail.deliver(await rawMail({ to: 'sales@contoso.test', subject: 'Via cron', messageId: '<cron1@outside.test>' }));
    expect(await lab.client.triggerFetchCron()).toMatchObject({ ok: true });
    expect(lab.state.erp.leads.map((l) => l.name)).toEqual(['Via cron']);
    expect((await lab.client.fetchCron())?.lastCall).not.toBeNull();
    await lab.stop();

    lab = await startErpOnly({ version: 15 });
    expect(await lab.client.fetchCron()).toMatchObject({ xmlid: 'fetchmail.ir_cron_mail_gateway_action' });
  });

  it("the ERP's own scheduler fetches every cronIntervalMs while the cron is active", async () => {
    const mail = fakeMailOps();
    lab = await startErpOnly({
      mailOps: mail.ops,
      change: (s) => {
        s.erp.cronIntervalMs = 20;
      },
    });
    mail.deliver(await rawMail({ to: 'sales@contoso.test', subject: 'Scheduled', messageId: '<sched@outside.test>' }));
    await vi.waitFor(() => expect(lab!.state.erp.leads).toHaveLength(1), { timeout: 2000, interval: 10 });

    lab.state.erp.crons[0]!.active = false;
    await new Promise((r) => setTimeout(r, 60));
    const fetches = mail.calls.fetchUnseen.length;
    mail.deliver(await rawMail({ to: 'sales@contoso.test', subject: 'Stuck', messageId: '<stuck@outside.test>' }));
    await new Promise((r) => setTimeout(r, 100));
    expect(mail.calls.fetchUnseen.length).toBe(fetches);
    expect(lab.state.erp.leads).toHaveLength(1);
  });
});

describe("lab ERP: the envelope sender of real mail is Odoo's bounce address", () => {
  const notice = async (options: Parameters<typeof startErpOnly>[0]) => {
    const mail = fakeMailOps();
    lab = await startErpOnly({ ...options, mailOps: mail.ops });
    mail.deliver(await rawMail({ to: 'nobody-x2@contoso.test', subject: 'Wrong [tok-23]', messageId: '<tok-23@outside.test>' }));
    await lab.client.fetchMail(1);
    return mail.calls.send[0]!;
  };

  it('16: mail.bounce.alias @ mail.catchall.domain, postmaster-odoo when the alias is unset', async () => {
    const sent = await notice({
      change: (s) => {
        s.erp.params = s.erp.params.filter((p) => p.key !== 'mail.bounce.alias');
      },
    });
    expect(sent.envelope.from).toBe('postmaster-odoo@contoso.test');
    expect((await simpleParser(sent.raw)).from?.text).toBe('nobody-x2@contoso.test');
  });

  it("17: the company's alias domain's bounce_email, whatever the stale parameters say", async () => {
    const sent = await notice({
      version: 17,
      change: (s) => {
        s.erp.params.find((p) => p.key === 'mail.catchall.domain')!.value = 'old-erp.contoso.test';
        s.erp.aliasDomains[0]!.bounce_alias = 'bounces';
      },
    });
    expect(sent.envelope.from).toBe('bounces@contoso.test');
  });

  it("without a catch-all domain: the mail's own From address", async () => {
    const sent = await notice({
      change: (s) => {
        s.erp.params = s.erp.params.filter((p) => p.key !== 'mail.catchall.domain');
      },
    });
    expect(sent.envelope.from).toBe('nobody-x2@contoso.test');
  });
});
