import { describe, expect, it } from 'vitest';
import { CATALOGUE, findCheck } from '../../src/checks/registry.js';
import { renderBlocks, SLACK_LIMITS, toMrkdwn } from '../../src/render/blocks.js';
import type { Message, MessageBlock } from '../../src/render/message.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { connectorIpMissingReport, healthyReport } from '../chat/fixtures/reports.js';
import { slackText } from '../chat/helpers.js';

type Block = { type: string; text?: { type: string; text: string }; fields?: { text: string }[]; elements?: { text: string }[] };

/** Every Block Kit limit Slack enforces on what we send. */
function expectWithinLimits(blocks: unknown[]) {
  expect(blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocksPerMessage);
  for (const raw of blocks) {
    const block = raw as Block;
    if (block.type === 'header') expect(block.text?.text.length).toBeLessThanOrEqual(SLACK_LIMITS.headerText);
    if (block.type === 'section') {
      if (block.text) {
        expect(block.text.text.length).toBeGreaterThan(0);
        expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      }
      for (const f of block.fields ?? []) expect(f.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      expect((block.fields ?? []).length).toBeLessThanOrEqual(SLACK_LIMITS.fieldsPerSection);
    }
    if (block.type === 'context') {
      expect(block.elements?.length).toBeGreaterThan(0);
      expect(block.elements?.length).toBeLessThanOrEqual(SLACK_LIMITS.contextElements);
    }
  }
}

describe('Slack Block Kit rendering', () => {
  it('a healthy status: the summary and a count of the passing checks; their list is a thread reply', () => {
    const total = CATALOGUE.length;
    const { main, thread } = renderBlocks(reportToMessage(healthyReport(), { now: new Date('2026-05-04T09:33:00Z') }));
    expectWithinLimits(main.blocks);
    expect(main.text).toBe(`${total} passing — all good`);
    const lines = slackText(main.blocks).split('\n');
    expect(lines[0]).toBe(`✅ *${total} passing — all good*`);
    expect(lines[1]).toBe('Mail setup of contoso.test');
    expect(lines[2]).toBe('Checked 09:30 UTC · took 1.8 s');
    // The message holds a count, not a line naming every check.
    expect(lines).toContain(`*Passing (${total})*  ✅ ${total} — listed in the thread 🧵`);
    expect(slackText(main.blocks)).not.toContain(CATALOGUE[0]?.meta.title);
    expect(slackText(main.blocks).length).toBeLessThan(300);
    // The thread reply lists every check of the catalogue.
    expect(thread).toHaveLength(1);
    const listed = slackText(thread[0]?.blocks ?? []);
    for (const c of CATALOGUE) expect(listed).toContain(`\`${c.meta.id}\``);
  });

  it('a failing status: failures first with the evidence that matters, a follow-on failure points to its root, evidence rows in the thread', () => {
    const report = connectorIpMissingReport();
    const passing = report.checks.filter((c) => c.status === 'pass').length;
    expect(passing).toBe(CATALOGUE.length - 4);
    const { main, thread } = renderBlocks(reportToMessage(report));
    expectWithinLimits(main.blocks);
    const text = slackText(main.blocks);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`❌ *2 failing, 1 warning, ${passing} passing, 1 skipped — connector IPs, ERP outgoing test*`);
    const title = (id: string) => findCheck(id)?.meta.title ?? id;

    // Grouped by area, each group's failures before its warnings; passing last, as a count.
    const order = [
      'Exchange Online',
      `❌ *${title('exchange-connector-ips')}*`,
      'DNS',
      `⚠️ *${title('dns-dmarc')}*`,
      'ERP (Twenty20)',
      `❌ *${title('erp-outgoing-test')}*`,
      '*Skipped (1)',
      `*Passing (${passing})*`,
    ];
    const positions = order.map((needle) => text.indexOf(needle));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // The failure says what is wrong, the missing IP first, the fix by hand and the command; no JSON.
    const connector = main.blocks.find(
      (b) => b.type === 'section' && (b as Block).text?.text.startsWith(`❌ *${title('exchange-connector-ips')}*`),
    ) as Block;
    expect(connector.text?.text.split('\n').slice(2)).toEqual([
      '• Missing: 203.0.113.10',
      '• Extra: Twenty20 ERP relay (entry: 198.51.100.20; addresses: 1)',
      '*Fix:* Exchange admin center → Mail flow → Connectors → "Twenty20 ERP relay" → Edit sent email identity → add 203.0.113.10 to the IP addresses → Save.',
      "*Command:* `Set-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'}`",
    ]);
    expect(text).not.toMatch(/\["|\{"/);

    // The bounce follows from the connector: said once, pointing there, without its cause and fix again.
    const bounce = text.slice(text.indexOf(`❌ *${title('erp-outgoing-test')}*`), text.indexOf('*Skipped'));
    expect(bounce).toContain('This follows from `exchange-connector-ips`: fix that first.');
    expect(bounce).not.toContain('Likely cause');
    expect(bounce).not.toContain('Fix:');
    expect(bounce).not.toContain('Set-InboundConnector');
    expect(text.match(/exchange-connector-ips/g)).toHaveLength(2);
    expect(text).toContain('🧵 The evidence (setting, observed, expected) is in the thread.');

    // Thread: the passing list, then the evidence as setting / observed / expected lines.
    expect(thread).toHaveLength(2);
    const evidence = slackText(thread[1]?.blocks ?? []);
    expect(evidence).toContain('*Evidence* (setting, observed, expected)');
    expect(evidence).toContain(`*${title('exchange-connector-ips')} (exchange-connector-ips)*\n• *Missing*: 203.0.113.10\n`);
    expect(evidence).toContain('• *Policy*: none  (expected: quarantine or reject)');
    expect(evidence).not.toContain('```');
    expect(evidence).not.toMatch(/errorCode|\["|\{"/);
  });

  it('shows the commands of the bot as Slack slash commands, and neutralises control characters', () => {
    const { main } = renderBlocks({
      summary: 'Run `mailsetup check erp` next',
      tone: 'bad',
      blocks: [
        {
          type: 'check',
          id: 'mailflow-e2e',
          title: 'End to end',
          status: 'fail',
          detail: 'The server said "\u001b]0;pwned\u0007 hi\u001b[31m".',
          command: 'mailsetup check exchange-connector-ips',
        },
      ],
    });
    const text = slackText(main.blocks);
    expect(main.text).toBe('Run `/mailsetup check erp` next');
    expect(text).toContain('*Command:* `/mailsetup check exchange-connector-ips`');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('The server said "\\u001b]0;pwned\\u0007 hi\\u001b[31m".');
  });

  it('escapes &, < and > so text is never read as a link or a mention', () => {
    expect(toMrkdwn('a <b> & <!channel> *bold* `code`')).toBe('a &lt;b&gt; &amp; &lt;!channel&gt; *bold* `code`');
    const { main } = renderBlocks({ summary: 'x', tone: 'info', blocks: [{ type: 'text', text: '<@U123> & friends' }] });
    expect(slackText(main.blocks)).toContain('&lt;@U123&gt; &amp; friends');
  });

  it('splits what is too long for one block or one message, and loses nothing', () => {
    const paragraph = Array.from({ length: 400 }, (_, i) => `line ${i} of a long explanation`).join('\n');
    const checks: MessageBlock[] = Array.from({ length: 70 }, (_, i) => ({
      type: 'check',
      id: `check-${i}`,
      title: `Check number ${i}`,
      status: 'fail',
      detail: `Detail ${i}.`,
    }));
    const message: Message = {
      summary: 'A long reply',
      tone: 'bad',
      blocks: [{ type: 'heading', text: 'H'.repeat(200) }, { type: 'text', text: paragraph }, ...checks],
    };
    const { main, thread } = renderBlocks(message);
    expectWithinLimits(main.blocks);
    for (const part of thread) expectWithinLimits(part.blocks);
    expect(slackText(main.blocks)).toMatch(/🧵 Continued in the thread \(\d+ more messages?\)\./);

    const all = slackText([...main.blocks, ...thread.flatMap((t) => t.blocks)]);
    // The 200-character heading became bold section text, not a truncated header.
    expect(all).toContain(`*${'H'.repeat(200)}*`);
    for (let i = 0; i < 400; i++) expect(all).toContain(`line ${i} of a long explanation`);
    for (let i = 0; i < 70; i++) expect(all).toContain(`\`check-${i}\``);
  });

  it('puts a multi-line command in a code block', () => {
    const { main } = renderBlocks({
      summary: 'x',
      tone: 'bad',
      blocks: [{ type: 'check', id: 'a-b', title: 'T', status: 'fail', detail: 'd', command: 'Set-A -X 1\nSet-B -Y 2' }],
    });
    expect(slackText(main.blocks)).toContain('*Command:*\n```\nSet-A -X 1\nSet-B -Y 2\n```');
  });

  it('shows a progress version as in progress, with pending checks', () => {
    const { main } = renderBlocks({
      summary: 'Checking contoso.test… 3 of 22 done',
      tone: 'info',
      inProgress: true,
      blocks: [
        {
          type: 'folded',
          label: 'Checked 3 of 22',
          items: [
            { id: 'a', title: 'A', status: 'pass' },
            { id: 'b', title: 'B', status: 'pending' },
          ],
        },
      ],
      details: [{ type: 'code', text: 'not yet' }],
    });
    expect(slackText(main.blocks)).toBe('⏳ *Checking contoso.test… 3 of 22 done*\n*Checked 3 of 22*: ✅ A · ⏳ B');
  });

  it('shows a long progress list as counts per status', () => {
    const items = Array.from({ length: 24 }, (_, i) => ({
      id: `c-${i}`,
      title: `C ${i}`,
      status: i < 3 ? ('pass' as const) : ('pending' as const),
    }));
    const { main, thread } = renderBlocks({
      summary: 'Checking contoso.test… 3 of 24 done',
      tone: 'info',
      inProgress: true,
      blocks: [{ type: 'folded', label: 'Checked 3 of 24', items }],
    });
    expect(slackText(main.blocks)).toBe('⏳ *Checking contoso.test… 3 of 24 done*\n*Checked 3 of 24*  ✅ 3 · ⏳ 21');
    expect(thread).toEqual([]);
  });
});
