import { describe, expect, it } from 'vitest';
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
  it('a healthy status: the summary first, the passing checks folded into one compact line', () => {
    const { main, thread } = renderBlocks(reportToMessage(healthyReport()));
    expectWithinLimits(main.blocks);
    expect(main.text).toBe('22 passing — all good');
    const lines = slackText(main.blocks).split('\n');
    expect(lines[0]).toBe('✅ *22 passing — all good*');
    expect(lines[1]).toBe('Mail setup of contoso.test');
    // 22 checks, but one context block holds them all.
    const folded = main.blocks.filter((b) => b.type === 'context');
    expect(folded).toHaveLength(1);
    expect(slackText(folded)).toMatch(/^\*Passing \(22\)\*: ✅ Inbound connector from the ERP · ✅ Connector IPs · /);
    expect(main.blocks.length).toBe(3);
    expect(thread).toEqual([]);
  });

  it('a failing status: failures first with cause and fix, warnings next, passing folded, evidence in the thread', () => {
    const { main, thread } = renderBlocks(reportToMessage(connectorIpMissingReport()));
    expectWithinLimits(main.blocks);
    const text = slackText(main.blocks);
    const lines = text.split('\n');
    expect(lines[0]).toBe('❌ *2 failing, 1 warning, 18 passing, 1 skipped — connector IPs, ERP outgoing test*');

    // Grouped by area, each group's failures before its warnings; passing last and folded.
    const order = [
      'Exchange Online',
      '❌ *Connector IPs*',
      'DNS',
      '⚠️ *DMARC policy*',
      'ERP (Twenty20)',
      '❌ *Outgoing server test*',
      '*Skipped (1)',
      '*Passing (18)*',
    ];
    const positions = order.map((needle) => text.indexOf(needle));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    // The failure says what is wrong, the fix by hand and the command.
    const connector = main.blocks.find((b) => b.type === 'section' && (b as Block).text?.text.startsWith('❌ *Connector IPs*')) as Block;
    expect(connector.text?.text).toBe(
      [
        '❌ *Connector IPs*  `exchange-connector-ips`',
        'SenderIPAddresses of connector "From Twenty20 ERP" does not include the ERP egress IP 203.0.113.10.',
        '• SenderIPAddresses: seen ["198.51.100.20"], expected ["203.0.113.10"]',
        '*Fix:* Exchange admin center → Mail flow → Connectors → From Twenty20 ERP → add 203.0.113.10 to the sender IP addresses.',
        '*Command:* `Set-InboundConnector -Identity "From Twenty20 ERP" -SenderIPAddresses @{Add="203.0.113.10"}`',
      ].join('\n'),
    );
    // The bounce is mapped to the step that causes it.
    expect(text).toContain(
      "Likely cause: Exchange Online does not recognise the ERP's IP as a connector IP (see `exchange-connector-ips`).",
    );
    expect(text).toContain('🧵 The evidence (observed vs. expected) is in the thread.');

    expect(thread).toHaveLength(1);
    const evidence = slackText(thread[0]?.blocks ?? []);
    expect(evidence).toContain('*Evidence* (observed vs. expected)');
    expect(evidence).toContain('exchange-connector-ips (fail)');
    expect(evidence).toContain('"198.51.100.20"');
    expect(evidence).toContain('```');
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
});
