import pino from 'pino';
import { describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context.js';
import { handleCommand } from '../../src/commands/dispatch.js';
import { createCore } from '../../src/core.js';
import { renderText } from '../../src/render/text.js';
import { noAdapters, testConfig } from '../engine/fixtures.js';

const core = createCore({ config: testConfig(), logger: pino({ level: 'silent' }), catalogue: [], adapterFactory: () => noAdapters });
const ctx: CommandContext = { core, actor: { platform: 'console', userId: 'u1' } };

describe('handleCommand', () => {
  it('help lists every verb with an example', async () => {
    const reply = await handleCommand('/mailsetup help', ctx);
    const text = renderText(reply);
    for (const verb of ['status', 'check <id or area>', 'explain <id>', 'test-email', 'help'])
      expect(text).toContain(`\`mailsetup ${verb}`);
    expect(text).toContain('Example: `mailsetup check exchange-connector-ips`');
  });

  it('help for one verb shows its usage', async () => {
    const reply = await handleCommand('help check', ctx);
    expect(reply.summary).toBe('`mailsetup check <id or area> [tenant]` — Runs one check or one area, with full evidence.');
  });

  it('an unknown verb gets the list of verbs, ephemerally', async () => {
    const reply = await handleCommand('@mailsetup stauts', ctx);
    expect(reply).toMatchObject({ tone: 'error', ephemeral: true });
    expect(reply.summary).toBe(
      '"stauts" is not a mailsetup verb. Verbs: status, check, explain, test-email, fix, history, watch, alerts, help. Try `help`.',
    );
  });

  it('a 5,000-character argument gets a short answer', async () => {
    const reply = await handleCommand(`check ${'x'.repeat(5000)}`, ctx);
    expect(reply.summary).toBe(
      'That command is 5,006 characters long; commands are short. Try `status`, `check <id or area>`, `explain <id>` or `help`.',
    );
    expect(reply.summary.length).toBeLessThan(200);
  });

  it('a verb with bad arguments gets its usage', async () => {
    expect((await handleCommand('explain', ctx)).summary).toBe('`explain` takes exactly one check id. Usage: `explain <id> [tenant]`.');
    expect((await handleCommand('check', ctx)).summary).toBe('`check` needs a check id or an area. Usage: `check <id or area> [tenant]`.');
    expect((await handleCommand('check nonsense-thing', ctx)).summary).toMatch(/^There is no check or area called "nonsense-thing"\./);
  });

  it('an unknown tenant names the tenants there are', async () => {
    const reply = await handleCommand('status fabrikam', ctx);
    expect(reply.summary).toBe('There is no tenant called "fabrikam". Tenants: contoso.');
  });

  it('an empty command shows help', async () => {
    expect((await handleCommand('/mailsetup', ctx)).summary).toMatch(/^mailsetup checks/);
  });
});
