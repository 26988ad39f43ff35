import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { message, sendMail } from '../../lab/mail/mail-lab.js';
import { result, runOnLab } from './lab-run.js';

const IDS = ['mailflow-imap-login', 'mailflow-fetchmail-backlog'];

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const sockets = () => process.getActiveResourcesInfo().filter((r) => r === 'TLSWrap' || r === 'TCPSocketWrap').length;

describe('mailflow checks against the lab', () => {
  it('healthy: the bot logs in with app-only OAuth and finds no backlog', async () => {
    lab = await startLab();
    const report = await runOnLab(lab, IDS);
    expect(result(report, 'mailflow-imap-login')).toMatchObject({
      status: 'pass',
      observed: { user: 'erp@contoso.test', method: 'xoauth2' },
    });
    expect(result(report, 'mailflow-fetchmail-backlog')).toMatchObject({ status: 'pass', observed: { unseen: 0 } });
  });

  it('fresh unread mail within twice the fetch interval is no backlog', async () => {
    lab = await startLab();
    const mxPort = lab.state.hosts['contoso-test.mail.protection.outlook.com:25']!.port;
    expect(
      (await sendMail(mxPort, '127.0.0.3', { from: 'probe@outside.test', to: ['sales@contoso.test'] }, message('just arrived'))).ok,
    ).toBe(true);
    const backlog = result(await runOnLab(lab, IDS), 'mailflow-fetchmail-backlog');
    expect(backlog.status).toBe('pass');
    expect(backlog.detail).toMatch(
      /^1 unread message is waiting in erp@contoso\.test; the oldest arrived 0 min ago, within 2 × the ERP's fetch interval \(10 min\)\.$/,
    );
  });

  it('fetchmail-stuck: unread mail older than twice the fetch interval fails, says the last fetch date proves nothing, and reads nothing', async () => {
    lab = await startLab({ scenario: 'fetchmail-stuck' });
    const report = await runOnLab(lab, IDS);
    const backlog = result(report, 'mailflow-fetchmail-backlog');
    expect(result(report, 'mailflow-imap-login').status).toBe('pass');
    expect(backlog.status).toBe('fail');
    expect(backlog.detail).toMatch(
      /^2 unread messages in erp@contoso\.test, the oldest received 3[5-6] min ago \("Quote for 40 chairs"\), more than 2 × the ERP's fetch interval \(10 min\)/,
    );
    expect(backlog.detail).toMatch(/"Last Fetch Date" proves nothing/);
    expect(backlog.observed).toMatchObject({
      unseen: 2,
      fetchIntervalMinutes: 5,
      oldestUnseen: { subject: 'Quote for 40 chairs', from: 'dana@customer.test' },
    });
    expect(backlog.remediation?.manual).toMatch(/Mail: Fetchmail Service/);
    // EXAMINE, not SELECT: the bot's look flagged nothing \Seen, so the ERP can still fetch it all.
    expect(lab.state.mail.mailboxes['erp@contoso.test']!.messages.map((m) => m.flags)).toEqual([[], []]);
  });

  it('imap-app-no-access: Exchange takes the token but refuses the mailbox; the check names the FullAccess grant; the backlog is skipped', async () => {
    lab = await startLab({ scenario: 'imap-app-no-access' });
    const report = await runOnLab(lab, IDS);
    const login = result(report, 'mailflow-imap-login');
    expect(login.status).toBe('fail');
    expect(login.detail).toMatch(
      /^Exchange Online accepted the bot's login to erp@contoso\.test but refused to open its INBOX: "User is authenticated but not connected\."/,
    );
    expect(login.observed).toMatchObject({ serverResponse: 'User is authenticated but not connected.', method: 'xoauth2' });
    expect(login.remediation?.manual).toMatch(/service principal needs FullAccess/);
    expect(login.remediation?.command).toMatch(/^Add-MailboxPermission -Identity erp@contoso\.test .*-AccessRights FullAccess/);
    expect(result(report, 'mailflow-fetchmail-backlog')).toMatchObject({ status: 'skip', skipReason: 'dependency-failed' });
  });

  it('an app Exchange does not know (no service principal): the refused login fails with the OAuth steps', async () => {
    lab = await startLab();
    lab.state.mail.imapApp.servicePrincipal = false;
    const login = result(await runOnLab(lab, IDS), 'mailflow-imap-login');
    expect(login.status).toBe('fail');
    expect(login.detail).toMatch(/^Exchange Online refused the bot's IMAP login to erp@contoso\.test: "AUTHENTICATE failed\."/);
    expect(login.remediation?.manual).toMatch(/IMAP\.AccessAsApp/);
    expect(login.remediation?.command).toMatch(
      /New-ServicePrincipal .*Add-MailboxPermission -Identity erp@contoso\.test .*-AccessRights FullAccess/,
    );
  });

  it('IMAP turned off on the mailbox: the token is taken but the mailbox is not, and the check says which switch', async () => {
    lab = await startLab();
    lab.state.microsoft.exchange.mailboxes.find((m) => m.PrimarySmtpAddress === 'erp@contoso.test')!.ImapEnabled = false;
    const login = result(await runOnLab(lab, IDS), 'mailflow-imap-login');
    expect(login.status).toBe('fail');
    expect(login.observed).toMatchObject({ serverResponse: 'User is authenticated but not connected.' });
    expect(login.remediation?.command).toMatch(/Set-CASMailbox -Identity erp@contoso\.test -ImapEnabled \$true$/);
    expect(login.remediation?.manual).toMatch(/IMAP must be on for the mailbox/);
  });

  it('an IMAP server that drops the connection or never greets is an error naming the hop, with nothing left open', async () => {
    lab = await startLab();
    const before = sockets();
    lab.inject({ service: 'imap', match: 'EXAMINE', kind: 'close', times: 1 });
    const dropped = result(await runOnLab(lab, IDS), 'mailflow-imap-login');
    expect(dropped.status).toBe('error');
    expect(dropped.observed).toMatchObject({ errorCode: 'ConnectionLost', stage: 'select' });
    expect(dropped.detail).toMatch(/^The IMAP server 127\.0\.0\.1:\d+ closed the connection while the bot was opening INBOX\./);

    lab.inject({ service: 'imap', match: 'connect', kind: 'timeout', times: 1 });
    const silent = await runOnLab(lab, IDS, { fetchMs: 800 });
    expect(result(silent, 'mailflow-imap-login')).toMatchObject({ status: 'error', observed: { errorCode: 'AdapterTimeout' } });
    expect(result(silent, 'mailflow-imap-login').detail).toMatch(/sent no greeting in time/);
    expect(result(silent, 'mailflow-fetchmail-backlog')).toMatchObject({ status: 'skip', skipReason: 'dependency-failed' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(sockets()).toBeLessThanOrEqual(before);
  });
});
