import { matchDomain } from './domain.js';
import { type FieldSpec, findModel, type ModelSpec, type Rec } from './models.js';
import { accessError, missingModel, missingRecord, validationError, valueError } from './odoo-error.js';
import type { ErpState, ErpUser } from './state.js';

/** The generic ORM calls (`search_read`, `read`, `search`, `fields_get`, `write`, `create`) over `ErpState`. */

export interface Env {
  erp: ErpState;
  user: ErpUser;
  context: Record<string, unknown>;
}

/** Groups that imply others, as Odoo's `implied_ids` (Settings implies Access Rights). */
const IMPLIED: Record<string, string[]> = { 'base.group_system': ['base.group_erp_manager'] };

function hasGroup(user: ErpUser, xmlid: string): boolean {
  return user.groups.some((g) => g === xmlid || IMPLIED[g]?.includes(xmlid));
}

export function modelFor(env: Env, name: string, operation = 'read'): ModelSpec {
  const model = findModel(env.erp, name);
  if (!model) throw missingModel(name);
  for (const needed of [model.group, operation === 'read' ? undefined : model.writeGroup]) {
    if (needed && !hasGroup(env.user, needed.xmlid)) throw accessError(model.description, model.name, needed.label, operation);
  }
  return model;
}

function fieldMap(env: Env, model: ModelSpec): Map<string, FieldSpec> {
  return new Map(model.fields(env.erp).map((f) => [f.name, f]));
}

function stored(rec: Rec, spec: FieldSpec | undefined, name: string): unknown {
  return rec[spec?.store ?? name];
}

export function search(
  env: Env,
  model: ModelSpec,
  domain: unknown,
  options: { offset?: unknown; limit?: unknown; order?: unknown } = {},
): Rec[] {
  const fields = fieldMap(env, model);
  const activeTest = fields.has('active') && env.context.active_test !== false && !mentions(domain, 'active');
  let found = model.records(env.erp).filter(
    (r) =>
      (!activeTest || r.active !== false) &&
      matchDomain(
        domain ?? [],
        (f) => (f === 'id' ? r.id : stored(r, fields.get(f), f)),
        (f) => fields.has(f),
      ),
  );
  found = sortBy(found, typeof options.order === 'string' && options.order ? options.order : model.order, fields);
  const offset = typeof options.offset === 'number' ? options.offset : 0;
  const limit = typeof options.limit === 'number' && options.limit > 0 ? options.limit : undefined;
  return found.slice(offset, limit === undefined ? undefined : offset + limit);
}

function mentions(domain: unknown, field: string): boolean {
  return Array.isArray(domain) && domain.some((t) => Array.isArray(t) && t[0] === field);
}

function sortBy(records: Rec[], order: string, fields: Map<string, FieldSpec>): Rec[] {
  const keys = order.split(',').map((part) => {
    const [name = 'id', direction = 'asc'] = part.trim().split(/\s+/);
    return { name, desc: direction.toLowerCase() === 'desc' };
  });
  return [...records].sort((a, b) => {
    for (const { name, desc } of keys) {
      const x = name === 'id' ? a.id : stored(a, fields.get(name), name);
      const y = name === 'id' ? b.id : stored(b, fields.get(name), name);
      if (x === y) continue;
      const cmp = typeof x === 'number' && typeof y === 'number' ? x - y : String(x ?? '').localeCompare(String(y ?? ''));
      return desc ? -cmp : cmp;
    }
    return 0;
  });
}

/** Records as `read` returns them: empty values as `false`, many2one as `[id, display_name]`. */
export function readRecords(env: Env, model: ModelSpec, records: Rec[], wanted?: unknown): Record<string, unknown>[] {
  const fields = fieldMap(env, model);
  const names = Array.isArray(wanted) && wanted.length > 0 ? wanted.map(String) : [...fields.keys()];
  for (const name of names) {
    if (name !== 'id' && name !== 'display_name' && !fields.has(name)) throw valueError(`Invalid field '${name}' on model '${model.name}'`);
  }
  return records.map((r) => {
    const out: Record<string, unknown> = { id: r.id };
    for (const name of names) {
      if (name === 'id') continue;
      if (name === 'display_name') {
        out[name] = displayName(r);
        continue;
      }
      const spec = fields.get(name) as FieldSpec;
      out[name] = toWire(env, spec, stored(r, spec, name));
    }
    return out;
  });
}

function displayName(r: Rec): string {
  return String(r.name ?? r.login ?? r.key ?? `${r.id}`);
}

function toWire(env: Env, spec: FieldSpec, value: unknown): unknown {
  if (spec.type === 'boolean') return value === true;
  if (spec.type === 'many2many') return Array.isArray(value) ? value : [];
  if (spec.type === 'many2one') {
    if (typeof value !== 'number') return false;
    const target = spec.relation
      ? findModel(env.erp, spec.relation)
          ?.records(env.erp)
          .find((r) => r.id === value)
      : undefined;
    return [value, target ? displayName(target) : ''];
  }
  return value === null || value === undefined || value === '' ? false : value;
}

export function browse(env: Env, model: ModelSpec, ids: unknown): Rec[] {
  const list = toIds(ids);
  const all = model.records(env.erp);
  const found = list.map((id) => all.find((r) => r.id === id));
  const missing = list.filter((_, i) => !found[i]);
  if (missing.length > 0) throw missingRecord(model.name, missing);
  return found as Rec[];
}

export function toIds(ids: unknown): number[] {
  const list = Array.isArray(ids) ? ids : [ids];
  if (!list.every((id) => Number.isInteger(id))) throw valueError(`Invalid ids ${JSON.stringify(ids)}`);
  return list as number[];
}

export function fieldsGet(env: Env, model: ModelSpec, allfields: unknown, attributes: unknown): Record<string, Record<string, unknown>> {
  const wantedAttrs = Array.isArray(attributes) && attributes.length > 0 ? attributes.map(String) : undefined;
  const wantedFields = Array.isArray(allfields) && allfields.length > 0 ? new Set(allfields.map(String)) : undefined;
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of model.fields(env.erp)) {
    if (wantedFields && !wantedFields.has(f.name)) continue;
    const all: Record<string, unknown> = {
      type: f.type,
      string: f.string,
      required: f.required ?? false,
      readonly: f.readonly ?? false,
      ...(f.selection ? { selection: f.selection } : {}),
      ...(f.relation ? { relation: f.relation } : {}),
    };
    out[f.name] = wantedAttrs ? Object.fromEntries(Object.entries(all).filter(([k]) => wantedAttrs.includes(k))) : all;
  }
  return out;
}

export function write(env: Env, model: ModelSpec, records: Rec[], vals: unknown): true {
  const values = fromWire(env, model, vals);
  const fields = fieldMap(env, model);
  for (const r of records) {
    for (const [key, value] of Object.entries(values)) r[key] = fields.get(key)?.type === 'many2many' ? x2many(r[key], value) : value;
  }
  return true;
}

/** `unlink`, with its own ACL; a `mail.thread` takes its messages along (mail.thread.unlink). */
export function unlink(env: Env, model: ModelSpec, records: Rec[]): true {
  if (model.unlinkGroup && !env.user.groups.includes(model.unlinkGroup.xmlid)) {
    throw accessError(model.description, model.name, model.unlinkGroup.label, 'delete');
  }
  const ids = new Set(records.map((r) => r.id));
  const all = model.records(env.erp);
  for (let i = all.length - 1; i >= 0; i--) if (ids.has(all[i]!.id)) all.splice(i, 1);
  if (model.thread) {
    const messages = env.erp.messages;
    for (let i = messages.length - 1; i >= 0; i--) {
      if (messages[i]!.model === model.name && ids.has(messages[i]!.res_id ?? -1)) messages.splice(i, 1);
    }
  }
  return true;
}

/** The x2many commands Odoo takes: `[4, id]` link, `[3, id]` unlink, `[5]` clear, `[6, 0, ids]` set. */
function x2many(current: unknown, commands: unknown): number[] {
  let ids = Array.isArray(current) ? [...(current as number[])] : [];
  if (!Array.isArray(commands)) throw valueError(`Invalid x2many commands ${JSON.stringify(commands)}`);
  for (const command of commands) {
    const [op, id, list] = Array.isArray(command) ? command : [];
    if (op === 4 && Number.isInteger(id)) ids = ids.includes(id) ? ids : [...ids, id];
    else if (op === 3 && Number.isInteger(id)) ids = ids.filter((x) => x !== id);
    else if (op === 5) ids = [];
    else if (op === 6 && Array.isArray(list)) ids = toIds(list);
    else throw valueError(`Invalid x2many command ${JSON.stringify(command)}`);
  }
  return ids;
}

/** One values dict → its id; a list (`vals_list`, `@api.model_create_multi`) → the list of ids. */
export function create(env: Env, model: ModelSpec, vals: unknown): number | number[] {
  if (Array.isArray(vals)) return vals.map((v) => createOne(env, model, v));
  return createOne(env, model, vals);
}

function createOne(env: Env, model: ModelSpec, vals: unknown): number {
  const values = fromWire(env, model, vals);
  const fields = model.fields(env.erp);
  const missing = fields.filter((f) => f.required && !f.readonly && (values[f.store ?? f.name] ?? null) === null);
  if (missing.length > 0) {
    throw validationError(
      `The operation cannot be completed:\n- Create/update: a mandatory field is not set.\n- Delete: another model requires the record being deleted. If possible, archive it instead.\n\nModel: ${model.description} (${model.name})\nField: ${missing.map((f) => `${f.string} (${f.name})`).join(', ')}`,
    );
  }
  const id = env.erp.nextId++;
  const defaults = fields.some((f) => f.name === 'active') ? { active: true } : {};
  model.records(env.erp).push({ id, ...defaults, ...values });
  return id;
}

function fromWire(env: Env, model: ModelSpec, vals: unknown): Record<string, unknown> {
  if (!vals || typeof vals !== 'object' || Array.isArray(vals)) throw valueError(`Invalid values ${JSON.stringify(vals)}`);
  const fields = fieldMap(env, model);
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(vals)) {
    const spec = fields.get(name);
    if (!spec) throw valueError(`Invalid field '${name}' on model '${model.name}'`);
    let value: unknown = raw === false && spec.type !== 'boolean' ? null : raw;
    if (spec.type === 'many2one' && Array.isArray(value)) value = value[0];
    if (spec.type === 'selection' && value !== null && !spec.selection?.some(([v]) => v === value)) {
      throw valueError(`Wrong value for ${model.name}.${name}: ${JSON.stringify(value)}`);
    }
    out[spec.store ?? name] = value;
  }
  return out;
}
