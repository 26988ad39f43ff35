import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CATALOGUE } from '../../src/checks/registry.js';
import { AREAS } from '../../src/engine/result.js';

/** DESIGN §3: the catalogue the product promises. Each must be registered once its issue lands. */
const PROMISED = [
  'exchange-connector',
  'exchange-connector-ips',
  'exchange-catchall-mailbox',
  'exchange-dynamic-group',
  'exchange-catchall-rule',
  'exchange-accepted-domain',
  'exchange-reject-direct-send',
  'entra-domain',
  'dns-mx',
  'dns-spf',
  'dns-dmarc',
  'dns-dkim',
  'erp-reachable',
  'erp-notify-module',
  'erp-outgoing-server',
  'erp-outgoing-test',
  'erp-envelope-sender',
  'erp-incoming-server',
  'erp-incoming-test',
  'erp-error-notice-template',
  'erp-system-params',
  'erp-sales-alias',
  'mailflow-imap-login',
  'mailflow-fetchmail-backlog',
  'mailflow-e2e',
];

describe('the check catalogue', () => {
  it('holds every check of DESIGN §3 exactly once', () => {
    const ids = CATALOGUE.map((c) => c.meta.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual([...PROMISED].sort());
  });

  for (const check of CATALOGUE) {
    describe(check.meta.id, () => {
      it('is named after its file and area, and its explain file has the three sections', () => {
        const mdPath = fileURLToPath(check.explainFile);
        expect(basename(mdPath)).toBe(`${check.meta.id}.md`);
        expect(basename(dirname(mdPath))).toBe(check.meta.area);
        expect(check.meta.id.startsWith(`${check.meta.area}-`)).toBe(true);
        expect(existsSync(mdPath.replace(/\.md$/, '.ts'))).toBe(true);
        const md = readFileSync(mdPath, 'utf8');
        for (const section of ['## What it is for', '## How to do it by hand', '## How to verify']) expect(md).toContain(section);
        expect(AREAS).toContain(check.meta.area);
      });

      it('depends only on known checks, without cycles', () => {
        const byId = new Map(CATALOGUE.map((c) => [c.meta.id, c]));
        const seen = new Set<string>();
        const walk = (id: string, path: string[]) => {
          expect(path, `cycle ${[...path, id].join(' → ')}`).not.toContain(id);
          const c = byId.get(id);
          expect(c, `${path.at(-1)} depends on unknown ${id}`).toBeDefined();
          if (seen.has(id)) return;
          seen.add(id);
          for (const dep of c!.meta.dependsOn) walk(dep, [...path, id]);
        };
        walk(check.meta.id, []);
      });
    });
  }

  it('gives each source key to one definition only', () => {
    const byKey = new Map<string, unknown>();
    for (const c of CATALOGUE) {
      for (const s of c.meta.sources) {
        if (byKey.has(s.key)) expect(byKey.get(s.key), `two definitions share the key ${s.key}`).toBe(s);
        byKey.set(s.key, s);
      }
    }
  });
});
