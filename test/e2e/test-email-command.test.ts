import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { runTestEmail, testEmailCommand, testEmailMessage } from '../../src/commands/test-email.js';
import type { Message } from '../../src/render/message.js';
import { renderText } from '../../src/render/text.js';
import { coreFor, type LabRun, startLabRun } from './harness.js';

let run: LabRun;
beforeAll(async () => {
  run = await startLabRun('healthy');
});
afterAll(() => run.stop());

describe('the test-email verb', () => {
  it('replies with a summary line first and every hop with its time; a second call inside a minute shows that result and sends nothing', async () => {
    const core = coreFor(run);
    const updates: Message[] = [];
    const ctx: CommandContext = { core, actor: { platform: 'cli', userId: 'tester' }, update: (m) => void updates.push(m) };

    const reply = await handleCommand('test-email', ctx);
    expect(reply.tone).toBe('ok');
    expect(reply.summary).toMatch(/^test-email passed in \d+(\.\d)? s — 7 hops$/);
    const text = renderText(reply);
    expect(text).toMatch(
      /\[ok {2}\] MX accepts mail to sales@contoso\.test \d+ ms — 127\.0\.0\.1:\d+ accepted the test mail to sales@contoso\.test \(250 2\.6\.0\)\./,
    );
    expect(text).toMatch(
      /\[ok {2}\] A CRM lead with the token exists \d+ ms — crm\.lead #\d+ "\[mailsetup-test ms[0-9a-f]+\]" exists in team Sales\./,
    );
    expect(text).toMatch(/Lead: crm\.lead #\d+/);
    expect(updates.length).toBe(8);
    expect(updates.every((u) => u.inProgress)).toBe(true);

    const rcpts = run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt').length;
    const again = await testEmailCommand.run([], ctx);
    expect(again.tone).toBe('ok');
    expect(again.summary).toMatch(/^test-email \(the last run\) passed in \d+(\.\d)? s — 7 hops$/);
    expect(renderText(again)).toMatch(
      /No new test mail: the last test for contoso finished (just now|\d+ s ago) and the limit is one test per 60 s; this is its result\. The next test can run in \d+ s\./,
    );
    expect(run.lab.requests.filter((r) => r.service === 'mx' && r.key === 'rcpt').length).toBe(rcpts);
  });

  it('refuses extra arguments with its usage', async () => {
    const reply = await handleCommand('test-email contoso extra', { core: coreFor(run), actor: { platform: 'cli', userId: 'tester' } });
    expect(reply.summary).toBe('`test-email` takes at most a tenant name, not "contoso extra". Usage: `test-email [tenant]`.');
  });
});

describe('runTestEmail (the --json result)', () => {
  it('renders a failure as "failed at <hop> — <what was seen>" with the cause', async () => {
    const other = await startLabRun('domain-authoritative');
    try {
      const core = coreFor(other);
      const result = await runTestEmail(core);
      expect(Object.keys(result)).toEqual(expect.arrayContaining(['hops', 'verdict', 'durationMs']));
      expect(result.verdict).toBe('fail');
      const message = testEmailMessage(result);
      expect(message.tone).toBe('bad');
      expect(message.summary).toMatch(
        /^test-email failed at MX accepts mail to sales@contoso\.test — 127\.0\.0\.1:\d+ refused RCPT TO:<sales@contoso\.test>: 550 5\.4\.1 /,
      );
      expect(renderText(message)).toContain('Likely cause: `5.4.1` → check `exchange-accepted-domain`');
    } finally {
      await other.stop();
    }
  });
});
