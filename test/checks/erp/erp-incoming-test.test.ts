import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../../lab/index.js';
import { result, runOnLab } from '../mailflow/lab-run.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

const imapLogins = (l: Lab) => l.state.requests.filter((r) => r.service === 'imap' && r.key.startsWith('AUTHENTICATE')).map((r) => r.key);

describe("erp-incoming-test: the ERP presses its own Test & Confirm, over real IMAP to the lab's Exchange host", () => {
  it('healthy (server type outlook): passes; the ERP logged in with XOAUTH2', async () => {
    lab = await startLab();
    const check = result(await runOnLab(lab, ['erp-incoming-test']), 'erp-incoming-test');
    expect(check).toMatchObject({
      status: 'pass',
      observed: { serverType: 'outlook', host: 'outlook.office365.com', user: 'erp@contoso.test', state: 'done' },
    });
    expect(imapLogins(lab)).toEqual(['AUTHENTICATE XOAUTH2']);
  });

  it('erp-incoming-basic-auth: AUTHENTICATE failed, explained as Basic auth being off, cause erp-incoming-server', async () => {
    lab = await startLab({ scenario: 'erp-incoming-basic-auth' });
    const check = result(await runOnLab(lab, ['erp-incoming-test']), 'erp-incoming-test');
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/failed: "Server replied with following exception: AUTHENTICATE failed\."/);
    expect(check.detail).toMatch(/Exchange Online has refused password \(Basic\) IMAP since 2022/);
    expect(check.cause).toMatchObject({ code: 'AUTHENTICATE failed', checkId: 'erp-incoming-server' });
    expect(check.remediation?.manual).toMatch(/server type "Outlook"/);
    expect(imapLogins(lab)).toEqual(['AUTHENTICATE PLAIN']);
    expect(JSON.stringify(check)).not.toContain('Summer2022!');
  });

  it('a draft server is reported, and the bot does not confirm it', async () => {
    lab = await startLab();
    lab.state.erp.fetchmailServers[0]!.state = 'draft';
    const check = result(await runOnLab(lab, ['erp-incoming-test']), 'erp-incoming-test');
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/is not confirmed \(state draft, expected done\)/);
    expect(lab.state.erp.fetchmailServers[0]!.state).toBe('draft');
    expect(imapLogins(lab)).toEqual([]);
  });

  it('IMAP off on the mailbox: the ERP quotes Exchange and the check fails with it', async () => {
    lab = await startLab();
    lab.state.microsoft.exchange.mailboxes.find((m) => m.PrimarySmtpAddress === 'erp@contoso.test')!.ImapEnabled = false;
    const check = result(await runOnLab(lab, ['erp-incoming-test']), 'erp-incoming-test');
    expect(check.status).toBe('fail');
    expect(check.detail).toMatch(/User is authenticated but not connected\./);
  });
});
