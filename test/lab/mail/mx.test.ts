import { afterEach, describe, expect, it } from 'vitest';
import type { LabState } from '../../../lab/state.js';
import { labTls } from '../../../lab/tls.js';
import { message, receivedChain, sendMail, startMailOnly } from './mail-lab.js';
import { smtpDialog } from './smtp-dialog.js';

const BOT = '127.0.0.3'; // outside: 198.51.100.77, not in the connector
const ERP = '127.0.0.2'; // 203.0.113.10, in the connector

let lab: Awaited<ReturnType<typeof startMailOnly>> | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

async function start(apply?: (state: LabState) => void) {
  lab = await startMailOnly(apply);
  return lab;
}

const inbox = (state: LabState, address: string) => state.mail.mailboxes[address]?.messages ?? [];
const subjects = (state: LabState, address: string) => inbox(state, address).map((m) => /Subject: (.*)\r\n/.exec(m.raw)?.[1]);

describe('lab MX: the SMTP conversation', () => {
  it('greets as Exchange Online, offers STARTTLS and wants EHLO before MAIL, and again after STARTTLS', async () => {
    const { mxPort } = await start();
    const smtp = await smtpDialog(mxPort, BOT);
    try {
      expect(smtp.greeting).toMatch(/^220 \S+\.outlook\.com Microsoft ESMTP MAIL Service ready/);
      expect(await smtp.say('MAIL FROM:<probe@outside.test>')).toBe('503 5.5.2 Send hello first');
      const ehlo = await smtp.say('EHLO sender.test');
      expect(ehlo).toContain('Hello [198.51.100.77]');
      expect(ehlo).toMatch(/250[- ]STARTTLS/);
      expect(await smtp.startTls(labTls().caPem)).toMatch(/^220 2\.0\.0/);
      expect(await smtp.say('MAIL FROM:<probe@outside.test>')).toBe('503 5.5.2 Send hello first');
      expect(await smtp.say('EHLO sender.test')).not.toMatch(/STARTTLS/);
      expect(await smtp.say('MAIL FROM:<probe@outside.test>')).toMatch(/^250 /);
    } finally {
      smtp.close();
    }
  });

  it('refuses relay to an outside domain from an IP no connector lists (5.7.64), and relays for the ERP', async () => {
    const { mxPort, state } = await start();
    const refused = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['noreply@odoo.com'] }, message('relay attempt'));
    expect(refused).toMatchObject({ ok: false, command: 'RCPT TO' });
    expect(refused.response).toMatch(/^550 5\.7\.64 TenantAttribution; Relay Access Denied \[[\w.-]+\]$/);

    const relayed = await sendMail(
      mxPort,
      ERP,
      { from: 'erp@contoso.test', to: ['probe@outside.test'] },
      message('outbound', 'erp@contoso.test', 'probe@outside.test'),
    );
    expect(relayed.ok).toBe(true);
    const [received] = inbox(state, 'probe@outside.test');
    // Exchange's chain, newest first: the outside provider's line, hub and front-end hand-off between
    // Microsoft-internal IPv6 addresses, and at the bottom the front end that took it from the sender.
    const chain = receivedChain(received?.raw ?? '');
    expect(chain).toHaveLength(4);
    expect(chain[0]).toMatch(/^from \S+\.outbound\.protection\.outlook\.com \([\d.]+\) by mx\.outside\.test /);
    expect(chain[2]).toMatch(
      /^from \S+\.prod\.protection\.outlook\.com \(2603:[\da-f:]+\) by \S+\.outlook\.office365\.com \(2603:[\da-f:]+\) .* via Frontend Transport; /,
    );
    expect(chain[3]).toMatch(
      /^from sender\.test \(203\.0\.113\.10\) by \S+\.mail\.protection\.outlook\.com \([\d.]+\) with Microsoft SMTP Server .* via Frontend Transport; /,
    );
    expect(inbox(state, 'noreply@odoo.com')).toHaveLength(0);
  });

  it('relays from a connector IP only for an envelope sender in an accepted domain (5.7.64 ATTR36), whatever the From header says', async () => {
    const { mxPort, state } = await start();
    // The header From is inside the tenant; the envelope sender (MAIL FROM) is not.
    const refused = await sendMail(
      mxPort,
      ERP,
      { from: 'bounce@erp-hosting.example', to: ['probe@outside.test'] },
      message('notice', 'sales@contoso.test', 'probe@outside.test'),
    );
    expect(refused).toMatchObject({ ok: false, command: 'RCPT TO' });
    expect(refused.response).toMatch(/^550 5\.7\.64 TenantAttribution; Relay Access Denied ATTR36 \[[\w.-]+\]$/);
    expect(inbox(state, 'probe@outside.test')).toHaveLength(0);

    const relayed = await sendMail(
      mxPort,
      ERP,
      { from: 'bounce@contoso.test', to: ['probe@outside.test'] },
      message('notice', 'Dana Customer <dana@customer.test>', 'probe@outside.test'),
    );
    expect(relayed.ok).toBe(true);
    expect(inbox(state, 'probe@outside.test')).toHaveLength(1);
  });

  it('a connector with RequireTls refuses a sender that skipped STARTTLS (451 5.7.3)', async () => {
    const { mxPort } = await start((s) => {
      s.microsoft.exchange.inboundConnectors[0]!.RequireTls = true;
    });
    const smtp = await smtpDialog(mxPort, ERP);
    try {
      await smtp.say('EHLO erp.contoso.test');
      await smtp.say('MAIL FROM:<erp@contoso.test>');
      expect(await smtp.say('RCPT TO:<probe@outside.test>')).toBe('451 5.7.3 STARTTLS is required to send mail');
    } finally {
      smtp.close();
    }
    expect((await sendMail(mxPort, ERP, { from: 'erp@contoso.test', to: ['probe@outside.test'] }, message('with tls'))).ok).toBe(true);
  });

  it('matches connector IPs by CIDR range, and only enabled connectors', async () => {
    const { mxPort, state } = await start((s) => {
      const connector = s.microsoft.exchange.inboundConnectors[0]!;
      connector.SenderIPAddresses = ['203.0.113.0/28'];
    });
    const send = () => sendMail(mxPort, ERP, { from: 'erp@contoso.test', to: ['probe@outside.test'] }, message('cidr'));
    expect((await send()).ok).toBe(true);
    state.microsoft.exchange.inboundConnectors[0]!.Enabled = false;
    expect((await send()).response).toMatch(/^550 5\.7\.64 /);
  });

  it('refuses Direct Send from an accepted domain when RejectDirectSend is on (5.7.68), unless a connector matches', async () => {
    const { mxPort, state } = await start((s) => {
      s.microsoft.exchange.organizationConfig.RejectDirectSend = true;
    });
    const spoof = await sendMail(mxPort, BOT, { from: 'alice@contoso.test', to: ['bob@contoso.test'] }, message('direct send'));
    expect(spoof.response).toBe(
      '550 5.7.68 TenantInboundAttribution; Direct Send not allowed for this organization from unauthorized sources',
    );
    const fromErp = await sendMail(mxPort, ERP, { from: 'alice@contoso.test', to: ['bob@contoso.test'] }, message('via connector'));
    expect(fromErp.ok).toBe(true);
    const outsider = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['bob@contoso.test'] }, message('outside sender'));
    expect(outsider.ok).toBe(true);
    expect(subjects(state, 'bob@contoso.test')).toEqual(['via connector', 'outside sender']);
  });
});

describe('lab MX: accepted domain and transport rules', () => {
  it('rejects unknown recipients at RCPT on an Authoritative domain (5.4.1) but takes mailboxes', async () => {
    const { mxPort, state } = await start((s) => {
      s.microsoft.exchange.acceptedDomains[0]!.DomainType = 'Authoritative';
    });
    const unknown = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('to sales'));
    expect(unknown).toMatchObject({ ok: false, command: 'RCPT TO' });
    expect(unknown.response).toMatch(
      /^550 5\.4\.1 Recipient address rejected: Access denied\. For more information see https:\/\/aka\.ms\/EXOSmtpErrors \[[\w.-]+\]$/,
    );
    const known = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['carol@contoso.test'] }, message('to carol'));
    expect(known.ok).toBe(true);
    expect(subjects(state, 'carol@contoso.test')).toEqual(['to carol']);
    expect(inbox(state, 'erp@contoso.test')).toHaveLength(0);
  });

  it('on InternalRelay, redirects an unknown address to the catch-all, with a Received header naming the sender IP', async () => {
    const { mxPort, state } = await start();
    const sent = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('lead please'));
    expect(sent.ok).toBe(true);
    expect(sent.response).toMatch(/^250 2\.6\.0 .*Queued mail for delivery$/);
    const [delivered] = inbox(state, 'erp@contoso.test');
    const chain = receivedChain(delivered?.raw ?? '');
    expect(chain[0]).toMatch(
      /^from \S+\.prod\.outlook\.com \(2603:[\da-f:]+\) by \S+\.prod\.outlook\.com \(2603:[\da-f:]+\) with Microsoft SMTP Server/,
    );
    expect(chain.at(-1)).toMatch(
      /^from sender\.test \(198\.51\.100\.77\) by \S+\.mail\.protection\.outlook\.com .*with Microsoft SMTP Server.* via Frontend Transport/,
    );
    expect(delivered?.raw).toContain('Subject: lead please');
    expect(delivered?.flags).toEqual([]);
  });

  it('does not redirect mail to a member of the excepted group', async () => {
    const { mxPort, state } = await start();
    expect((await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['alice@contoso.test'] }, message('for alice'))).ok).toBe(true);
    expect(subjects(state, 'alice@contoso.test')).toEqual(['for alice']);
    expect(inbox(state, 'erp@contoso.test')).toHaveLength(0);
  });

  it('redirects a mailbox that is not yet in the group (the 24 h membership refresh)', async () => {
    const { mxPort, state } = await start((s) => {
      s.microsoft.exchange.dynamicGroups[0]!.members = s.microsoft.exchange.dynamicGroups[0]!.members.filter(
        (m) => !m.startsWith('carol@'),
      );
    });
    await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['carol@contoso.test'] }, message('for carol'));
    expect(subjects(state, 'erp@contoso.test')).toEqual(['for carol']);
    expect(inbox(state, 'carol@contoso.test')).toHaveLength(0);
  });

  it('a rule in Audit mode does nothing: mail to an unknown address is lost with an NDR to the sender', async () => {
    const { mxPort, state } = await start((s) => {
      s.microsoft.exchange.transportRules[0]!.Mode = 'Audit';
    });
    expect((await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('audit only'))).ok).toBe(true);
    expect(inbox(state, 'erp@contoso.test')).toHaveLength(0);
    expect(state.mail.ndrs).toMatchObject([{ sender: 'probe@outside.test', recipient: 'sales@contoso.test', code: '5.4.14' }]);
    expect(subjects(state, 'probe@outside.test')).toEqual(['Undeliverable: audit only']);
  });

  it('a disabled rule does nothing either', async () => {
    const { mxPort, state } = await start((s) => {
      s.microsoft.exchange.transportRules[0]!.State = 'Disabled';
    });
    await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('disabled'));
    expect(inbox(state, 'erp@contoso.test')).toHaveLength(0);
  });

  it('a higher-priority rule that stops processing shadows the catch-all; DeleteMessage drops the mail', async () => {
    const { mxPort, state } = await start((s) => {
      const catchall = s.microsoft.exchange.transportRules[0]!;
      catchall.Priority = 1;
      s.microsoft.exchange.transportRules.push(
        {
          ...catchall,
          Identity: 'Tag invoices',
          Name: 'Tag invoices',
          Priority: 0,
          RedirectMessageTo: null,
          SubjectContainsWords: ['invoice'],
          StopRuleProcessing: true,
        },
        {
          ...catchall,
          Identity: 'Drop spam',
          Name: 'Drop spam',
          Priority: 2,
          RedirectMessageTo: null,
          SubjectContainsWords: ['viagra'],
          DeleteMessage: true,
          ExceptIfSentToMemberOf: null,
        },
      );
    });
    await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('invoice 42'));
    await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('quote 43'));
    await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['alice@contoso.test'] }, message('viagra'));
    expect(subjects(state, 'erp@contoso.test')).toEqual(['quote 43']);
    expect(inbox(state, 'alice@contoso.test')).toHaveLength(0);
    expect(state.mail.ndrs.map((n) => n.recipient)).toEqual(['sales@contoso.test']);
  });
});

describe('lab MX: faults and records', () => {
  it('answers a status fault at the chosen stage and records each stage', async () => {
    const { mxPort, state } = await start((s) => {
      s.faults.push({
        service: 'mx',
        match: 'rcpt',
        kind: 'status',
        status: 451,
        body: '4.7.500 Server busy. Please try again later. (AS770)',
        times: 1,
      });
    });
    const busy = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('busy'));
    expect(busy.response).toBe('451 4.7.500 Server busy. Please try again later. (AS770)');
    expect((await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('later'))).ok).toBe(true);
    const stages = state.requests.filter((r) => r.service === 'mx').map((r) => r.key);
    expect(stages.filter((k) => k === 'connect')).toHaveLength(2);
    expect(stages).toEqual(expect.arrayContaining(['ehlo', 'mail', 'rcpt', 'data']));
  });

  it('a close fault drops the connection mid-conversation', async () => {
    const { mxPort, state } = await start((s) => {
      s.faults.push({ service: 'mx', match: 'mail', kind: 'close' });
    });
    const dropped = await sendMail(mxPort, BOT, { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('dropped'));
    expect(dropped.ok).toBe(false);
    expect(dropped.response).toMatch(/closed|ECONNRESET/i);
    expect(inbox(state, 'erp@contoso.test')).toHaveLength(0);
  });
});
