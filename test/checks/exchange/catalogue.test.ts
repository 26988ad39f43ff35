import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { entraChecks } from '../../../src/checks/entra/index.js';
import { exchangeChecks } from '../../../src/checks/exchange/index.js';

/** DESIGN §3: id → [fix, watched]. */
const TABLE: Record<string, [boolean, boolean]> = {
  'exchange-connector': [true, true],
  'exchange-connector-ips': [true, true],
  'exchange-catchall-mailbox': [true, true],
  'exchange-dynamic-group': [true, false],
  'exchange-catchall-rule': [true, true],
  'exchange-accepted-domain': [true, true],
  'exchange-reject-direct-send': [false, false],
  'entra-domain': [false, false],
};

describe('the Microsoft 365 checks in the catalogue', () => {
  const checks = [...exchangeChecks, ...entraChecks];

  it('are the checks of DESIGN §3, in its order, fixable and watched as it says', () => {
    expect(checks.map((c) => c.meta.id)).toEqual(Object.keys(TABLE));
    for (const check of checks) {
      expect([check.meta.fixable, check.meta.watched], check.meta.id).toEqual(TABLE[check.meta.id]);
      expect(check.meta.id.startsWith(`${check.meta.area}-`)).toBe(true);
    }
  });

  it('each explain their step in <id>.md with exactly the three sections', () => {
    for (const check of checks) {
      expect(basename(fileURLToPath(check.explainFile))).toBe(`${check.meta.id}.md`);
      const headings = readFileSync(check.explainFile, 'utf8')
        .split('\n')
        .filter((line) => line.startsWith('#'));
      expect(headings, check.meta.id).toEqual(['## What it is for', '## How to do it by hand', '## How to verify']);
    }
  });
});
