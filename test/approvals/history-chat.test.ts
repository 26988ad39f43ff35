import { afterEach, describe, expect, it } from 'vitest';
import { type Lab, startLab } from '../../lab/index.js';
import { renderText } from '../../src/render/text.js';
import { approvalsOnLab, BOB, CAROL, planIdOf } from './lab-approvals.js';

let lab: Lab | undefined;
afterEach(async () => {
  await lab?.stop();
  lab = undefined;
});

describe('history in chat', () => {
  it('one line per audit entry, newest first; --limit keeps the newest', async () => {
    lab = await startLab({ scenario: 'mailbox-imap-disabled' });
    const { ask, approvals } = approvalsOnLab(lab);
    expect((await ask('history')).summary).toBe('Nothing in the audit log for contoso yet.');
    const planId = planIdOf(await ask('fix exchange-catchall-mailbox'));
    await approvals.decide(planId, 'reject', CAROL).done;
    expect(approvals.decide(planId, 'approve', BOB).refusal).toBe('This plan is rejected; nothing was changed by this click.');

    const all = await ask('history');
    expect(all.summary).toBe('The last 2 audit entries for contoso, newest first');
    const lines = renderText(all, { details: true })
      .split('\n')
      .filter((l) => /^\s*\d{4}-\d\d-\d\dT/.test(l))
      .map((l) => l.trim());
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(new RegExp(`^\\S+Z {2}rejected {4}exchange-catchall-mailbox {2}${planId} {2}carol \\(slack\\)$`));
    expect(lines[1]).toMatch(new RegExp(`^\\S+Z {2}requested {3}exchange-catchall-mailbox {2}${planId} {2}ada \\(slack\\)$`));

    const one = await ask('history contoso --limit 1');
    expect(one.summary).toBe('The last 1 audit entry for contoso, newest first');
    expect(renderText(one, { details: true })).toContain('rejected');
    expect(renderText(one, { details: true })).not.toContain('requested');
    expect((await ask('history --limit lots')).summary).toBe(
      '--limit must be a whole number from 1 to 500. Usage: `history [tenant] [--limit N]`.',
    );
  }, 30_000);
});
