import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import type { E2eRunLog } from '../e2e/run-log.js';
import { MailsetupError } from '../errors.js';
import type { Message } from '../render/message.js';
import { AlertStore } from './alerts.js';
import { AuditLog } from './audit.js';
import { StoredE2eRuns } from './e2e-runs.js';
import { MIGRATIONS, type Migration } from './migrations.js';
import { OutboxStore } from './outbox.js';
import { PlanStore } from './plans.js';

/** A chat platform's handle on a conversation, kept so the bot can post there later (alerts). */
export interface ConversationRefRecord {
  platform: 'teams' | 'slack';
  conversationId: string;
  /** `personal`, `channel`, `groupChat` (Teams conversationType). */
  scope?: string;
  /** The Entra tenant of the conversation (Teams `channelData.tenant.id`). */
  tenantId?: string;
  /** The platform's own reference, stored as-is (Teams `ConversationReference`). */
  reference: Record<string, unknown>;
  createdAt: string;
  updatedAt: string;
}

/** The last `status` reply, for the Slack App Home (and anything else that shows "last known"). */
export interface LastStatus {
  message: Message;
  /** ISO time the status finished. */
  at: string;
  /** Who asked, as the platform shows them. */
  requestedBy?: string;
  platform?: string;
}

/** What the chat front ends need from persistence (a port, so tests may pass a fake). */
export interface ChatStore {
  saveConversationRef(record: Omit<ConversationRefRecord, 'createdAt' | 'updatedAt'>): 'created' | 'updated';
  deleteConversationRef(platform: ConversationRefRecord['platform'], conversationId: string): boolean;
  saveLastStatus(status: LastStatus): void;
  lastStatus(): LastStatus | undefined;
}

const LAST_STATUS_KEY = 'last-status';

/**
 * The bot's SQLite store (better-sqlite3, synchronous): `kv` for small JSON records and
 * `conversation_refs` for Teams proactive messaging. `:memory:` gives a private in-memory database.
 */
export class Store implements ChatStore {
  readonly path: string;
  readonly #db: Database.Database;
  readonly #now: () => Date;

  /** The append-only audit log (plans, watch pauses, alert acks). */
  readonly audit: AuditLog;
  /** Fix plans and their state machine. */
  readonly plans: PlanStore;
  /** Alerts (state, recent results, last passes) — the alert book's rows. */
  readonly alerts: AlertStore;
  /** Alert messages to deliver, and where their roots were posted. */
  readonly outbox: OutboxStore;

  private constructor(db: Database.Database, path: string, now: () => Date) {
    this.#db = db;
    this.path = path;
    this.#now = now;
    this.audit = new AuditLog(db, now);
    this.plans = new PlanStore(db, this.audit, now);
    this.alerts = new AlertStore(db, now);
    this.outbox = new OutboxStore(db, now);
  }

  /**
   * Opens (creating if needed) the database at `path` and brings its schema up to date.
   * @throws MailsetupError ConfigInvalid when the file cannot be opened or is not a SQLite database.
   */
  static open(path: string, options: { now?: () => Date; migrations?: readonly Migration[] } = {}): Store {
    const memory = path === ':memory:';
    let db: Database.Database;
    try {
      if (!memory) mkdirSync(dirname(resolve(path)), { recursive: true });
      db = new Database(path);
      if (!memory) db.pragma('journal_mode = WAL');
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
    } catch (error) {
      throw new MailsetupError('ConfigInvalid', `The store at ${path} cannot be opened (${(error as Error).message}).`, {
        hint: 'Check `store.path` in the config: the folder must be writable by the bot, or use `:memory:` for a throw-away store.',
        cause: error,
      });
    }
    try {
      migrate(db, options.migrations ?? MIGRATIONS);
    } catch (error) {
      db.close();
      throw new MailsetupError('ConfigInvalid', `The store at ${path} could not be prepared (${(error as Error).message}).`, {
        hint: 'The file may not be a mailsetup database; point `store.path` at a new file.',
        cause: error,
      });
    }
    return new Store(db, path, options.now ?? (() => new Date()));
  }

  /** The schema version (number of migrations applied). */
  get schemaVersion(): number {
    return this.#db.pragma('user_version', { simple: true }) as number;
  }

  get<T = unknown>(key: string): T | undefined {
    const row = this.#db.prepare('SELECT value FROM kv WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  set(key: string, value: unknown): void {
    this.#db
      .prepare(
        'INSERT INTO kv (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
      )
      .run(key, JSON.stringify(value), this.#now().toISOString());
  }

  delete(key: string): boolean {
    return this.#db.prepare('DELETE FROM kv WHERE key = ?').run(key).changes > 0;
  }

  saveConversationRef(record: Omit<ConversationRefRecord, 'createdAt' | 'updatedAt'>): 'created' | 'updated' {
    const now = this.#now().toISOString();
    const existed = this.conversationRef(record.platform, record.conversationId) !== undefined;
    this.#db
      .prepare(
        `INSERT INTO conversation_refs (platform, conversation_id, scope, tenant_id, reference, created_at, updated_at)
         VALUES (@platform, @conversationId, @scope, @tenantId, @reference, @now, @now)
         ON CONFLICT(platform, conversation_id) DO UPDATE SET
           scope = excluded.scope, tenant_id = excluded.tenant_id, reference = excluded.reference, updated_at = excluded.updated_at`,
      )
      .run({
        platform: record.platform,
        conversationId: record.conversationId,
        scope: record.scope ?? null,
        tenantId: record.tenantId ?? null,
        reference: JSON.stringify(record.reference),
        now,
      });
    return existed ? 'updated' : 'created';
  }

  conversationRef(platform: ConversationRefRecord['platform'], conversationId: string): ConversationRefRecord | undefined {
    const row = this.#db
      .prepare('SELECT * FROM conversation_refs WHERE platform = ? AND conversation_id = ?')
      .get(platform, conversationId) as RefRow | undefined;
    return row ? fromRow(row) : undefined;
  }

  conversationRefs(platform?: ConversationRefRecord['platform']): ConversationRefRecord[] {
    const rows = (
      platform
        ? this.#db.prepare('SELECT * FROM conversation_refs WHERE platform = ? ORDER BY created_at, conversation_id').all(platform)
        : this.#db.prepare('SELECT * FROM conversation_refs ORDER BY created_at, conversation_id').all()
    ) as RefRow[];
    return rows.map(fromRow);
  }

  deleteConversationRef(platform: ConversationRefRecord['platform'], conversationId: string): boolean {
    return (
      this.#db.prepare('DELETE FROM conversation_refs WHERE platform = ? AND conversation_id = ?').run(platform, conversationId).changes > 0
    );
  }

  saveLastStatus(status: LastStatus): void {
    this.set(LAST_STATUS_KEY, status);
  }

  lastStatus(): LastStatus | undefined {
    return this.get<LastStatus>(LAST_STATUS_KEY);
  }

  /** False once closed (readiness). */
  get isOpen(): boolean {
    return this.#db.open;
  }

  /** The end-to-end runs of one tenant (admission, lease, results), shared by every process on this store. */
  e2eRuns(tenant: string): E2eRunLog {
    return new StoredE2eRuns(this.#db, tenant);
  }

  close(): void {
    if (this.#db.open) this.#db.close();
  }
}

interface RefRow {
  platform: ConversationRefRecord['platform'];
  conversation_id: string;
  scope: string | null;
  tenant_id: string | null;
  reference: string;
  created_at: string;
  updated_at: string;
}

function fromRow(row: RefRow): ConversationRefRecord {
  return {
    platform: row.platform,
    conversationId: row.conversation_id,
    scope: row.scope ?? undefined,
    tenantId: row.tenant_id ?? undefined,
    reference: JSON.parse(row.reference) as Record<string, unknown>,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Applies the migrations above `user_version`, each in its own transaction. */
function migrate(db: Database.Database, migrations: readonly Migration[]): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const sorted = [...migrations].sort((a, b) => a.version - b.version);
  for (const migration of sorted) {
    if (migration.version <= current) continue;
    db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${Math.trunc(migration.version)}`);
    })();
  }
}
