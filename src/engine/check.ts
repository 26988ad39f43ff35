import type { ServicesConfig, TenantConfig } from '../config/schema.js';
import type { Area, Severity, Verdict } from './result.js';
import type { Snapshot, SourceDef } from './source.js';

export interface CheckMeta {
  /** `<area>-<object>[-<aspect>]`, equal to the file name. */
  id: string;
  title: string;
  area: Area;
  severity: Severity;
  /** Checks that must pass (or warn) before this one runs; otherwise it is `skip` / `dependency-failed`. */
  dependsOn: readonly string[];
  /** The sources the check reads; the engine fetches them before `run`. */
  sources: readonly SourceDef<unknown>[];
  fixable: boolean;
  watched: boolean;
}

export interface CheckContext {
  tenant: TenantConfig;
  services: ServicesConfig;
  now: Date;
}

/**
 * A check: metadata plus a pure function of the snapshot. It does no I/O. Its `explain` text lives
 * in `<id>.md` beside it (sections: what it is for, how to do it by hand, how to verify).
 */
export interface CheckDefinition {
  meta: CheckMeta;
  run(snapshot: Snapshot, ctx: CheckContext): Verdict;
  /** URL of the `.md` explain file (pass `new URL('./<id>.md', import.meta.url)`). */
  explainFile: URL;
}

export function defineCheck(def: CheckDefinition): CheckDefinition {
  return def;
}
