import { describe, expect, it } from 'vitest';
import { CATALOGUE, findCheck } from '../../src/checks/registry.js';
import { bytes, renderCards, TEAMS_LIMITS } from '../../src/render/cards.js';
import type { Message, MessageBlock } from '../../src/render/message.js';
import { reportToMessage } from '../../src/render/report-message.js';
import { connectorIpMissingReport, healthyReport } from '../chat/fixtures/reports.js';
import { cardText } from '../chat/helpers.js';

type Element = {
  type: string;
  id?: string;
  isVisible?: boolean;
  items?: Element[];
  inlines?: Run[];
  actions?: { type: string; targetElements?: string[] }[];
};
type Run = { type: string; text: string; weight?: string; fontType?: string; color?: string };

function elements(node: unknown): Element[] {
  const out: Element[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) return n.forEach(walk);
    if (n && typeof n === 'object') {
      const o = n as Element & Record<string, unknown>;
      if (typeof o.type === 'string') out.push(o);
      for (const v of Object.values(o)) walk(v);
    }
  };
  walk(node);
  return out;
}

/** Structure Teams needs: version 1.5, unique ids, every toggle pointing at an element that exists. */
function expectWellFormed(card: unknown) {
  const c = card as { type: string; version: string; body: unknown[] };
  expect(c.type).toBe('AdaptiveCard');
  expect(c.version).toBe('1.5');
  expect(bytes(card)).toBeLessThanOrEqual(TEAMS_LIMITS.cardBytes);
  const all = elements(c.body);
  const ids = all.filter((e) => e.id).map((e) => e.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const e of all) {
    if (e.type === 'Action.ToggleVisibility')
      for (const t of (e as unknown as { targetElements: string[] }).targetElements) expect(ids).toContain(t);
    if (e.type === 'RichTextBlock') expect(e.inlines?.length).toBeGreaterThan(0);
  }
  const known = [
    'RichTextBlock',
    'TextRun',
    'FactSet',
    'ActionSet',
    'Action.ToggleVisibility',
    'Container',
    'Table',
    'TableRow',
    'TableCell',
  ];
  for (const e of all) expect(known).toContain(e.type);
}

describe('Adaptive Card rendering (Teams)', () => {
  it('a healthy status: the summary first in green, the passing checks a count behind the toggle', () => {
    const total = CATALOGUE.length;
    const { cards } = renderCards(reportToMessage(healthyReport(), { now: new Date('2026-05-04T09:33:00Z') }));
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expectWellFormed(card);
    const visible = cardText(card).split('\n');
    expect(visible[0]).toBe(`✅ ${total} passing — all good`);
    expect(visible).toContain('Checked 09:30 UTC · took 1.8 s');
    expect((card!.body[0] as Element).inlines?.[0]).toMatchObject({ weight: 'Bolder', size: 'Medium', color: 'Good' });
    expect(visible).toContain(`Passing (${total})  ✅ ${total}`);
    expect(visible).toContain(`[Show or hide the ${total} items]`);
    // Every check of the catalogue is there, but hidden until the toggle is used.
    for (const c of CATALOGUE) {
      expect(cardText(card)).not.toContain(c.meta.id);
      expect(cardText(card, { hidden: true })).toContain(`✅ ${c.meta.title}  ${c.meta.id}`);
    }
  });

  it('a failing status: failures first, a follow-on failure points to its root, the evidence a collapsible table', () => {
    const report = connectorIpMissingReport();
    const passing = report.checks.filter((c) => c.status === 'pass').length;
    const title = (id: string) => findCheck(id)?.meta.title ?? id;
    const { cards } = renderCards(reportToMessage(report));
    expect(cards).toHaveLength(1);
    const card = cards[0];
    expectWellFormed(card);
    const text = cardText(card);
    const lines = text.split('\n');
    expect(lines[0]).toBe(`❌ 2 failing, 1 warning, ${passing} passing, 1 skipped — connector IPs, ERP outgoing test`);
    const order = [
      'Exchange Online',
      `❌ ${title('exchange-connector-ips')}`,
      'DNS',
      `⚠️ ${title('dns-dmarc')}`,
      'ERP (Twenty20)',
      `❌ ${title('erp-outgoing-test')}`,
      'Skipped (1)',
      `Passing (${passing})`,
    ];
    const positions = order.map((needle) => text.indexOf(needle));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);

    const failure = text.slice(text.indexOf(`❌ ${title('exchange-connector-ips')}`), text.indexOf('DNS'));
    expect(failure).toContain('do not admit 203.0.113.10');
    expect(failure).toContain('Missing: 203.0.113.10');
    expect(failure).toContain('Fix: Exchange admin center → Mail flow → Connectors');
    expect(failure).toContain("Command:\nSet-InboundConnector -Identity 'Twenty20 ERP relay' -SenderIPAddresses @{Add='203.0.113.10'}");
    const bounce = text.slice(text.indexOf(`❌ ${title('erp-outgoing-test')}`), text.indexOf('Skipped (1)'));
    expect(bounce).toContain('This follows from exchange-connector-ips: fix that first.');
    expect(bounce).not.toContain('Fix:');

    // The failing check's title is bold and red; the command is monospace.
    const runs = elements(card).filter((e) => e.type === 'TextRun') as unknown as Run[];
    expect(runs.find((r) => r.text === `❌ ${title('exchange-connector-ips')}`)).toMatchObject({ weight: 'Bolder', color: 'Attention' });
    expect(runs.find((r) => r.text.startsWith('Set-InboundConnector'))).toMatchObject({ fontType: 'Monospace' });

    // Evidence is a table behind its own toggle: setting, observed, expected; no JSON.
    expect(text).toContain('[Show or hide the evidence (setting, observed, expected)]');
    expect(text).not.toContain('Setting | Observed | Expected');
    const hidden = cardText(card, { hidden: true });
    expect(hidden).toContain('Setting | Observed | Expected\nMissing | 203.0.113.10 | —');
    expect(hidden).toContain('Policy | none | quarantine or reject');
    expect(hidden).not.toMatch(/\["|\{"/);
  });

  it('shows the commands of the bot as @mentions, and neutralises control characters', () => {
    const { cards } = renderCards({
      summary: 'Run `mailsetup check erp` next',
      tone: 'bad',
      blocks: [
        { type: 'check', id: 'x-y', title: 'T\u001b[2J', status: 'fail', detail: 'd', command: 'mailsetup check exchange-connector-ips' },
      ],
    });
    const text = cardText(cards[0]);
    expect(text.split('\n')[0]).toBe('❌ Run @mailsetup check erp next');
    expect(text).toContain('Command:\n@mailsetup check exchange-connector-ips');
    expect(text).toContain('❌ T\\u001b[2J');
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
  });

  it('renders *bold* and `code` as runs, and shows ids with * and _ exactly as written', () => {
    const { cards } = renderCards({
      summary: 'x',
      tone: 'info',
      blocks: [{ type: 'text', text: 'Set *MX* to `*.mail.protection.outlook.com` for fetchmail_notify_error_to_sender' }],
    });
    const runs = (cards[0]!.body[1] as Element).inlines as Run[];
    expect(runs.map((r) => [r.text, r.weight ?? '', r.fontType ?? ''])).toEqual([
      ['Set ', '', ''],
      ['MX', 'Bolder', ''],
      [' to ', '', ''],
      ['*.mail.protection.outlook.com', '', 'Monospace'],
      [' for fetchmail_notify_error_to_sender', '', ''],
    ]);
  });

  it('splits a reply larger than a Teams message into several cards, and loses nothing', () => {
    const checks: MessageBlock[] = Array.from({ length: 120 }, (_, i) => ({
      type: 'check',
      id: `check-${i}`,
      title: `Check number ${i}`,
      status: 'fail',
      detail: `Detail of check ${i}: ${'observed value '.repeat(12)}`,
      remediation: `Do step ${i} by hand.`,
    }));
    const message: Message = {
      summary: '120 failing',
      tone: 'bad',
      blocks: checks,
      details: Array.from({ length: 40 }, (_, i) => ({ type: 'code', text: `check-${i}\n${'{"observed": "x"}\n'.repeat(20)}` })),
    };
    const { cards } = renderCards(message);
    expect(cards.length).toBeGreaterThan(2);
    for (const card of cards) expectWellFormed(card);
    expect(cardText(cards[0])).toMatch(/Continued in the next \d+ messages\./);
    expect(cardText(cards[1]).split('\n')[0]).toBe(`(continued 2 of ${cards.length}) 120 failing`);
    const all = cards.map((c) => cardText(c, { hidden: true })).join('\n');
    for (let i = 0; i < 120; i++) expect(all).toContain(`Do step ${i} by hand.`);
    for (let i = 0; i < 40; i++) expect(all).toContain(`check-${i}\n{"observed": "x"}`);
  });

  it('wraps an over-long line into more runs instead of cutting it', () => {
    const long = 'x'.repeat(5000);
    const { cards } = renderCards({ summary: 's', tone: 'info', blocks: [{ type: 'code', text: long }] });
    expect(cardText(cards[0]).replace(/\n/g, '')).toContain(long);
  });
});
