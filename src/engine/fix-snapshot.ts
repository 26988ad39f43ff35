import { setMaxListeners } from 'node:events';
import type { Adapters } from '../adapters/index.js';
import type { MailsetupConfig, ServicesConfig, TenantConfig } from '../config/schema.js';
import { MailsetupError, toMailsetupError } from '../errors.js';
import type { FixCall } from './fix.js';
import type { FetchContext, Snapshot, SourceDef } from './source.js';

export interface SnapshotOptions {
  adapters: Adapters;
  tenant: TenantConfig;
  services: ServicesConfig;
  timeouts: MailsetupConfig['timeouts'];
  now: Date;
  signal?: AbortSignal;
}

/**
 * Fetches a planner's sources (each once, their own dependencies shared) into a snapshot, as the
 * engine does for a check. A source that failed throws its error when the planner reads it.
 */
export async function fetchSnapshot(sources: readonly SourceDef<unknown>[], options: SnapshotOptions): Promise<Snapshot> {
  const abort = new AbortController();
  setMaxListeners(100, abort.signal);
  options.signal?.addEventListener('abort', () => abort.abort(), { once: true });
  const fetches = new Map<string, Promise<unknown>>();
  const context: FetchContext = {
    adapters: options.adapters,
    tenant: options.tenant,
    services: options.services,
    signal: abort.signal,
    now: options.now,
    get: <T>(def: SourceDef<T>) => fetchOnce(def),
  };
  function fetchOnce<T>(def: SourceDef<T>): Promise<T> {
    let pending = fetches.get(def.key);
    if (!pending) {
      const timeout = AbortSignal.timeout(def.timeoutMs ?? options.timeouts.fetchMs);
      pending = def.fetch({ ...context, signal: AbortSignal.any([abort.signal, timeout]) });
      fetches.set(def.key, pending);
    }
    return pending as Promise<T>;
  }
  const settled = new Map<string, { ok: true; value: unknown } | { ok: false; error: MailsetupError }>();
  await Promise.all(
    sources.map(async (def) => {
      try {
        settled.set(def.key, { ok: true, value: await fetchOnce(def) });
      } catch (error) {
        settled.set(def.key, { ok: false, error: toMailsetupError(error, def.label) });
      }
    }),
  );
  abort.abort();
  const read = <T>(def: SourceDef<T>): { ok: true; value: T } | { ok: false; error: MailsetupError } => {
    const value = settled.get(def.key);
    if (!value) throw new MailsetupError('Internal', `a planner read ${def.key} without declaring it`);
    return value as { ok: true; value: T } | { ok: false; error: MailsetupError };
  };
  return {
    get<T>(def: SourceDef<T>): T {
      const value = read(def);
      if (!value.ok) throw value.error;
      return value.value;
    },
    tryGet<T>(def: SourceDef<T>): T | undefined {
      const value = read(def);
      return value.ok ? value.value : undefined;
    },
  };
}

/** Makes one planned call through the bot's adapters (the same wire a fix uses). */
export async function applyCall(call: FixCall, adapters: Adapters, signal?: AbortSignal): Promise<unknown> {
  if (call.service === 'exchange') return adapters.exchange.invoke(call.cmdlet, call.parameters, signal);
  return adapters.erp.call(call.model, call.method, call.ids, { ...call.kwargs }, signal);
}
