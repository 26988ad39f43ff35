import type { Adapters } from '../adapters/index.js';
import type { ServicesConfig, TenantConfig } from '../config/schema.js';

/**
 * A piece of outside state that checks read, fetched at most once per run and shared by every
 * check that declares it. Defined next to the adapter that fetches it; checks import the
 * definition and read it with `snapshot.get(def)` (typed by the definition, no central map).
 *
 * @example
 * export const erpOutgoingServers = defineSource({
 *   key: 'erp.outgoing-servers',
 *   label: "the ERP's outgoing mail servers",
 *   fetch: async (ctx) => ctx.adapters.erp.outgoingServers(),
 * });
 */
export interface SourceDef<T> {
  /** Unique across the catalogue: `<adapter>.<what>`. */
  readonly key: string;
  /** What it is, for messages: "the ERP's outgoing mail servers". */
  readonly label: string;
  readonly fetch: (ctx: FetchContext) => Promise<T>;
  /** Overrides the run's per-fetch timeout (e.g. the ERP's own SMTP test takes longer). */
  readonly timeoutMs?: number;
}

export interface FetchContext {
  readonly adapters: Adapters;
  readonly tenant: TenantConfig;
  readonly services: ServicesConfig;
  /** Another source of the same run (memoised: fetched once, whoever asks first). */
  get<T>(def: SourceDef<T>): Promise<T>;
  readonly signal: AbortSignal;
  readonly now: Date;
}

export function defineSource<T>(def: SourceDef<T>): SourceDef<T> {
  return def;
}

/** What a check sees: only sources it declared, already fetched. Reading one that failed throws its error. */
export interface Snapshot {
  get<T>(def: SourceDef<T>): T;
  /** The value, or undefined when the fetch failed (for checks that can say something without it). */
  tryGet<T>(def: SourceDef<T>): T | undefined;
}
