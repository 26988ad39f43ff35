import { createHash } from 'node:crypto';
import type { CmdletParameters, CmdletParameterValue } from '../adapters/exchange/types.js';
import type { CheckContext } from './check.js';
import type { Snapshot, SourceDef } from './source.js';

/**
 * The fix model of DESIGN §4: a planner turns the same snapshot and config a check reads into the
 * typed calls that would put the step right. Nothing here applies anything.
 */

export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** The Exchange cmdlets a fix may run: writes only (reads come from the sources). */
export type ExchangeWriteCmdlet = `${'Set' | 'New' | 'Enable' | 'Disable'}-${string}`;
const WRITE_CMDLET = /^(Set|New|Enable|Disable)-[A-Za-z]+$/;

export interface ExchangeFixCall {
  service: 'exchange';
  cmdlet: ExchangeWriteCmdlet;
  /** Typed JSON values, sent as `CmdletInput.Parameters`; never a command string. */
  parameters: CmdletParameters;
}

export interface ErpFixCall {
  service: 'erp';
  model: string;
  method: string;
  /** Record ids for record methods (`write`, buttons); absent for `@api.model` methods (`create`, `set_param`). */
  ids?: readonly number[];
  kwargs: Readonly<Record<string, JsonValue>>;
}

export type FixCall = ExchangeFixCall | ErpFixCall;

/** One line of the plan's diff. `null` stands for "not set" / "does not exist". */
export interface FixChange {
  setting: string;
  before: JsonValue;
  after: JsonValue;
}

export interface PlannedFix {
  /** What the plan changes, e.g. `InboundConnector "Twenty20 ERP relay"` (one open plan per target). */
  target: string;
  changes: FixChange[];
  /** In the order they are applied. */
  calls: FixCall[];
  /** Hash of exactly the observed values the plan rests on (`basisOf`); apply refuses when it changed. */
  basis: string;
  /** What the plan cannot do or what it trades away, one sentence each (shown with the diff). */
  notes?: string[];
}

/** Why the bot will not fix it, one sentence (then `fix` adds the by-hand steps of `explain`). */
export interface RefusedFix {
  refused: string;
}

export type PlanOutcome = PlannedFix | RefusedFix;

export interface FixOptions {
  /** `fix exchange-connector-ips --remove-extra`: narrow ranges and drop stale entries instead of adding. */
  removeExtra?: boolean;
}

export interface FixPlanner {
  /** The check it fixes. */
  checkId: string;
  /** The sources it reads: the check's own, plus any it needs to name a target (fetched like a check's). */
  sources: readonly SourceDef<unknown>[];
  /** Pure: the same snapshot and config always give the same plan. */
  plan(snapshot: Snapshot, ctx: CheckContext, options: FixOptions): PlanOutcome;
}

export function definePlanner(planner: FixPlanner): FixPlanner {
  return planner;
}

export function isRefused(outcome: PlanOutcome): outcome is RefusedFix {
  return 'refused' in outcome;
}

export function refuse(sentence: string): RefusedFix {
  return { refused: sentence };
}

export function exchangeCall(cmdlet: string, parameters: CmdletParameters): ExchangeFixCall {
  if (!WRITE_CMDLET.test(cmdlet)) throw new Error(`not a write cmdlet: ${cmdlet}`);
  return { service: 'exchange', cmdlet: cmdlet as ExchangeWriteCmdlet, parameters };
}

export function erpCall(model: string, method: string, ids: readonly number[] | undefined, kwargs: Record<string, JsonValue>): ErpFixCall {
  return ids === undefined ? { service: 'erp', model, method, kwargs } : { service: 'erp', model, method, ids, kwargs };
}

/** A stable hash of observed values: key order and `undefined` do not change it. */
export function basisOf(observed: unknown): string {
  return `sha256:${createHash('sha256').update(canonical(observed)).digest('hex')}`;
}

function canonical(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'bigint') return JSON.stringify(value.toString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A call as the admin would type it: PowerShell for Exchange, the ORM call for the ERP. Display only. */
export function renderCall(call: FixCall): string {
  if (call.service === 'exchange') {
    const params = Object.entries(call.parameters).map(([name, value]) => `-${name} ${psValue(value)}`);
    return [call.cmdlet, ...params].join(' ');
  }
  const args = [...(call.ids ? [pyValue(call.ids)] : []), ...Object.entries(call.kwargs).map(([k, v]) => `${k}=${pyValue(v)}`)];
  return `${call.model}.${call.method}(${args.join(', ')})`;
}

function psQuote(text: string): string {
  return `'${text.replace(/['‘’‚‛]/g, "''")}'`;
}

function psValue(value: CmdletParameterValue): string {
  if (value === null) return '$null';
  if (typeof value === 'boolean') return value ? '$true' : '$false';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return psQuote(value);
  if (Array.isArray(value)) return value.map((v) => psQuote(String(v))).join(',');
  const addRemove = value as { Add?: readonly string[]; Remove?: readonly string[] };
  const parts = [
    ...(addRemove.Add ? [`Add=${addRemove.Add.map(psQuote).join(',')}`] : []),
    ...(addRemove.Remove ? [`Remove=${addRemove.Remove.map(psQuote).join(',')}`] : []),
  ];
  return `@{${parts.join('; ')}}`;
}

function pyValue(value: JsonValue): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pyValue).join(', ')}]`;
  return `{${Object.entries(value as Record<string, JsonValue>)
    .map(([k, v]) => `'${k}': ${pyValue(v)}`)
    .join(', ')}}`;
}
