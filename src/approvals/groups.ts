import type { MailsetupConfig } from '../config/schema.js';
import type { PlanActor } from './plan.js';

/** Where a platform's groups live: the members of a group the policy names (`S…` or `@handle` on Slack). */
export interface GroupDirectory {
  /** @throws an error whose message says why the members could not be read */
  membersOf(group: string): Promise<string[]>;
}

interface Cached {
  members?: Set<string>;
  /** Why the last read failed (shown to a clicker who might be in the group). */
  error?: string;
  at: number;
}

/**
 * The members of the groups a policy names on one platform, cached briefly (`ttlMs`, default a
 * minute): a click is decided at once from the cache, which the fix flow refreshes at start and
 * with its expiry sweep. A group that could not be read lets no one in (deny by default).
 */
export class ApproverGroups {
  readonly platform: PlanActor['platform'];
  readonly #directory: GroupDirectory;
  readonly #groups: string[];
  readonly #ttlMs: number;
  readonly #now: () => number;
  readonly #cache = new Map<string, Cached>();
  #refreshing: Promise<void> | undefined;

  constructor(options: {
    platform: PlanActor['platform'];
    directory: GroupDirectory;
    /** The groups of the policy (without the platform prefix). */
    groups: readonly string[];
    ttlMs?: number;
    now?: () => number;
  }) {
    this.platform = options.platform;
    this.#directory = options.directory;
    this.#groups = [...new Set(options.groups)];
    this.#ttlMs = options.ttlMs ?? 60_000;
    this.#now = options.now ?? Date.now;
  }

  /** Reads every group whose cache is older than the TTL (all of them with `force`); one refresh at a time. */
  refresh(force = false): Promise<void> {
    this.#refreshing ??= this.#load(force).finally(() => {
      this.#refreshing = undefined;
    });
    return this.#refreshing;
  }

  /** The groups this person is in, as the policy names them, and the groups that could not be read. */
  groupsOf(userId: string): { groups: string[]; unreadable: { group: string; error: string }[] } {
    const groups: string[] = [];
    const unreadable: { group: string; error: string }[] = [];
    for (const group of this.#groups) {
      const cached = this.#cache.get(group);
      if (cached?.members?.has(userId)) groups.push(group);
      else if (!cached?.members) unreadable.push({ group, error: cached?.error ?? 'not read yet' });
    }
    return { groups, unreadable };
  }

  async #load(force: boolean): Promise<void> {
    const now = this.#now();
    const due = this.#groups.filter((g) => force || now - (this.#cache.get(g)?.at ?? Number.NEGATIVE_INFINITY) >= this.#ttlMs);
    await Promise.all(
      due.map(async (group) => {
        try {
          this.#cache.set(group, { members: new Set(await this.#directory.membersOf(group)), at: this.#now() });
        } catch (error) {
          // Keep the last members read: a brief outage does not lock the approvers out.
          const last = this.#cache.get(group)?.members;
          this.#cache.set(group, { ...(last ? { members: last } : {}), error: (error as Error).message, at: this.#now() });
        }
      }),
    );
  }
}

/** The entries of a list that name groups on Slack (`slack:S…`, `slack:@handle`), without the prefix. */
export function slackGroupsIn(entries: readonly string[]): string[] {
  return entries.filter((e) => /^slack:(S[A-Z0-9]+|@.+)$/.test(e)).map((e) => e.slice('slack:'.length));
}

/** The `teams:` entries of a list, without the prefix: people or Entra groups (both are object ids). */
export function teamsEntriesIn(entries: readonly string[]): string[] {
  return entries.filter((e) => e.startsWith('teams:')).map((e) => e.slice('teams:'.length));
}

/**
 * The config's lists of people, by key: who approves, who may ask for fixes, who may acknowledge
 * alerts. The bot reads the groups they name; doctor checks it may.
 */
export function peopleLists(config: Pick<MailsetupConfig, 'approvals' | 'alerts'>): [key: string, entries: readonly string[]][] {
  return [
    ['approvals.approvers', config.approvals.approvers],
    ['approvals.requesters', config.approvals.requesters ?? []],
    ['alerts.responders', config.alerts.responders ?? []],
  ];
}
