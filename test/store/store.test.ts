import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { MailsetupError } from '../../src/errors.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mailsetup-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const reference = {
  bot: { id: '28:bot', name: 'mailsetup' },
  conversation: { id: '19:abc@thread.tacv2', conversationType: 'channel', tenantId: 't-1' },
  channelId: 'msteams',
  serviceUrl: 'https://smba.trafficmanager.net/emea/',
};

describe('the SQLite store', () => {
  it('creates its tables in a new file, in a folder it creates, and keeps data across restarts', () => {
    const path = join(tempDir(), 'nested', 'mailsetup.db');
    const first = Store.open(path);
    expect(first.schemaVersion).toBe(MIGRATIONS.length);
    first.saveConversationRef({ platform: 'teams', conversationId: '19:abc@thread.tacv2', scope: 'channel', tenantId: 't-1', reference });
    first.set('watch', { every: 5 });
    first.close();

    const again = Store.open(path);
    expect(again.schemaVersion).toBe(MIGRATIONS.length);
    expect(again.get('watch')).toEqual({ every: 5 });
    expect(again.conversationRefs('teams')).toMatchObject([
      { conversationId: '19:abc@thread.tacv2', scope: 'channel', tenantId: 't-1', reference },
    ]);
    again.close();
  });

  it('migrations are idempotent: a database whose version was lost is brought back without error or data loss', () => {
    const path = join(tempDir(), 'm.db');
    const store = Store.open(path);
    store.set('k', 1);
    store.close();
    const raw = new Database(path);
    raw.pragma('user_version = 0');
    raw.close();
    const reopened = Store.open(path);
    expect(reopened.schemaVersion).toBe(MIGRATIONS.length);
    expect(reopened.get('k')).toBe(1);
    reopened.close();
  });

  it('keeps one reference per conversation: created, then updated, then removed', () => {
    let now = new Date('2026-05-04T09:00:00Z');
    const store = Store.open(':memory:', { now: () => now });
    expect(store.saveConversationRef({ platform: 'teams', conversationId: 'a:1', scope: 'personal', reference })).toBe('created');
    now = new Date('2026-05-04T10:00:00Z');
    const moved = { ...reference, serviceUrl: 'https://smba.trafficmanager.net/amer/' };
    expect(store.saveConversationRef({ platform: 'teams', conversationId: 'a:1', scope: 'personal', reference: moved })).toBe('updated');
    const saved = store.conversationRef('teams', 'a:1');
    expect(saved).toMatchObject({ createdAt: '2026-05-04T09:00:00.000Z', updatedAt: '2026-05-04T10:00:00.000Z', reference: moved });
    expect(store.conversationRefs()).toHaveLength(1);
    expect(store.deleteConversationRef('teams', 'a:1')).toBe(true);
    expect(store.deleteConversationRef('teams', 'a:1')).toBe(false);
    expect(store.conversationRef('teams', 'a:1')).toBeUndefined();
    store.close();
  });

  it('remembers the last status for the App Home', () => {
    const store = Store.open(':memory:');
    expect(store.lastStatus()).toBeUndefined();
    const status = {
      message: {
        summary: '22 passing — all good',
        tone: 'ok' as const,
        blocks: [{ type: 'heading' as const, text: 'Mail setup of contoso.test' }],
      },
      at: '2026-05-04T09:30:00.000Z',
      requestedBy: 'ada',
      platform: 'slack',
    };
    store.saveLastStatus(status);
    expect(store.lastStatus()).toEqual(status);
    store.close();
  });

  it('refuses a path it cannot use with a sentence naming store.path', () => {
    const dir = tempDir();
    const opening = (path: string): MailsetupError => {
      try {
        Store.open(path);
      } catch (e) {
        return e as MailsetupError;
      }
      throw new Error(`${path} opened`);
    };
    const folder = opening(dir);
    expect(folder).toBeInstanceOf(MailsetupError);
    expect(folder.userMessage).toMatch(/^The store at .* cannot be opened \(unable to open database file\)\. Check `store\.path`/);
    const junk = join(dir, 'not-a-database.db');
    writeFileSync(junk, 'this is not SQLite '.repeat(200));
    const error = opening(junk);
    expect(error).toBeInstanceOf(MailsetupError);
    expect(error.code).toBe('ConfigInvalid');
    expect(error.userMessage).toMatch(/store\.path/);
  });
});
