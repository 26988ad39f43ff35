import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { StoredOutboxDelivery } from '../../src/monitor/outbox-delivery.js';
import { Store } from '../../src/store/store.js';
import { type FilePost, FilePoster } from './file-poster.js';
import { labResults } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'mailsetup-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function until(condition: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > end) throw new Error('timed out waiting for the child');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('kill -9 in the middle of delivering alerts', () => {
  it('the restarted bot delivers every message exactly once: nothing lost, nothing posted twice', async () => {
    const storePath = join(dir, 'mailsetup.db');
    const resultsPath = join(dir, 'results.json');
    const postsPath = join(dir, 'posts.jsonl');
    const marker = join(dir, 'hanging');
    writeFileSync(
      resultsPath,
      JSON.stringify({ failing: await labResults('catchall-rule-disabled'), passing: await labResults('healthy') }),
    );

    // Call 4 of 6 (the recovery in the Teams thread) is in flight when the process is killed.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join('test', 'monitor', 'kill-child.ts'), storePath, resultsPath, postsPath, marker, '4'],
      {
        cwd: process.cwd(),
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    await until(() => existsSync(marker) || child.exitCode !== null, 45_000).catch(() => {});
    expect(stderr).toBe('');
    expect(existsSync(marker)).toBe(true);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const beforeRestart = lines(postsPath);
    expect(beforeRestart.map((p) => `${p.op} ${p.channel}`)).toEqual(['post C0ALERTS', 'post 19:alerts@thread.tacv2', 'thread C0ALERTS']);

    const store = Store.open(storePath);
    const delivery = new StoredOutboxDelivery({ outbox: store.outbox });
    const poster = new FilePoster(postsPath);
    delivery.setPoster('slack', poster);
    delivery.setPoster('teams', poster);
    expect(await delivery.deliverDue()).toEqual({ sent: 3, failed: 0, waiting: 0 });
    expect(await delivery.deliverDue()).toEqual({ sent: 0, failed: 0, waiting: 0 });

    const all = lines(postsPath);
    expect(all.map((p) => `${p.op} ${p.channel}`)).toEqual([
      'post C0ALERTS',
      'post 19:alerts@thread.tacv2',
      'thread C0ALERTS',
      'thread 19:alerts@thread.tacv2',
      'update C0ALERTS',
      'update 19:alerts@thread.tacv2',
    ]);
    expect(new Set(all.map((p) => JSON.stringify(p))).size).toBe(all.length);
    // The replies and updates went to the roots posted before the kill.
    const roots = new Map(
      store.outbox.postedRefs(store.alerts.get(store.outbox.all()[0]!.alertId)!.id).map((r) => [r.conversationId, r.messageId]),
    );
    for (const p of all.filter((x) => x.op !== 'post')) expect(p.root?.startsWith(roots.get(p.channel)!)).toBe(true);
    expect(all.filter((p) => p.op === 'thread').map((p) => p.summary)).toEqual([
      'contoso: the catch-all rule works again (resolved after 10 min).',
      'contoso: the catch-all rule works again (resolved after 10 min).',
    ]);
    expect(all.filter((p) => p.op === 'update').every((p) => p.summary.endsWith('— resolved'))).toBe(true);
    store.close();
  }, 90_000);
});

function lines(path: string): FilePost[] {
  return readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as FilePost);
}
