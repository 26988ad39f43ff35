import { healthyDnsState } from './dns/state.js';
import { noMailOps } from './erp/mail-ops.js';
import { healthyErpState } from './erp/state.js';
import type { Fault, LabTraffic } from './faults.js';
import { domainOf } from './mail/directory.js';
import { healthyMailState, type LabMessage, type MailState } from './mail/state.js';
import { healthyMicrosoftState } from './microsoft/state.js';
import { findScenario, SCENARIOS } from './scenarios/index.js';
import type { Scenario } from './scenarios/types.js';
import type { LabState } from './state.js';
import { type LabTenant, labTenant } from './tenant.js';

/**
 * Every tenant the lab holds, served by the same lab servers: each tenant is a whole `LabState`
 * (its own directory, Exchange objects, ERP database, DNS zone and mailboxes) and they share the
 * traffic (`faults`, `requests`), the host table and nothing else. The servers route each request
 * to its tenant with the lookups below.
 */
export interface LabTenants {
  /** The first tenant (`contoso`): `lab.state`, and what a request no tenant claims is answered by. */
  readonly first: LabState;
  /** All tenants, in order; each object stays the same for the lab's life (a scenario switch mutates it). */
  readonly all: readonly LabState[];
  /** Faults and requests of the whole lab (a fault with `tenant` applies to that tenant's requests only). */
  readonly traffic: LabTraffic;
  byName(name: string): LabState | undefined;
  /** By tenant id, or a domain of the tenant (`contoso.test`, `contoso.onmicrosoft.com`), case-insensitive. */
  byTenantRef(ref: string): LabState | undefined;
  /** By the domain of an address (or a domain), including the tenant's `*.mail.protection.outlook.com` host. */
  byDomain(addressOrDomain: string): LabState | undefined;
  /** The tenant whose ERP connects from this loopback address. */
  byLoopback(address: string): LabState | undefined;
  /** The tenant whose probe mailbox (its outside sender) this is. */
  byOutsideAddress(address: string): LabState | undefined;
  /** The scenario each tenant is in. */
  scenarioOf(name: string): string | undefined;
  /**
   * Puts one tenant in a fresh healthy state with `scenario` applied, in place (the services hold the
   * state object). Kept: the tenant's ids and secrets (so the bot's config still works), tokens
   * already issued (valid until they expire, as after a real change), and mail that arrived while
   * the lab ran (with its UIDs); mail a scenario placed goes with it, and the scenario's own faults
   * replace the previous scenario's.
   */
  setScenario(scenario: Scenario, name: string): void;
  /** Called after each scenario switch (the ERP opens or closes its port). */
  onChange(listener: (state: LabState) => void): void;
}

/** `There is no lab scenario called "x". Scenarios: …` — the one sentence every lab entry point gives. */
export function unknownScenarioMessage(name: string): string {
  return `There is no lab scenario called "${name}". Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}.`;
}

export function scenarioNamed(name: string): Scenario {
  const scenario = findScenario(name);
  if (!scenario) throw new Error(unknownScenarioMessage(name));
  return scenario;
}

/** The healthy state of one tenant from its facts (cloned: scenarios change `tenant` too). */
function healthyTenantState(facts: LabTenant, shared: Pick<LabState, 'hosts' | 'faults' | 'requests'>): LabState {
  const tenant = structuredClone(facts);
  return {
    tenant,
    microsoft: healthyMicrosoftState(tenant),
    erp: healthyErpState(tenant),
    dns: healthyDnsState(tenant),
    mail: healthyMailState(tenant),
    hosts: shared.hosts,
    mailOps: noMailOps,
    faults: shared.faults,
    requests: shared.requests,
  };
}

export interface LabTenantsOptions {
  count?: number;
  scenario?: string;
  now?: number;
}

export function createLabTenants(options: LabTenantsOptions = {}): LabTenants {
  const count = options.count ?? 1;
  const scenario = scenarioNamed(options.scenario ?? 'healthy');
  const now = options.now ?? Date.now();
  const facts = Array.from({ length: count }, (_, i) => labTenant(now, i));
  const shared = { hosts: {}, faults: [] as Fault[], requests: [] };
  const scenarios = new Map<string, string>();
  const scenarioFaults = new Map<string, Fault[]>();
  const listeners: ((state: LabState) => void)[] = [];
  /** Messages a scenario put in a mailbox (not delivered while the lab ran). */
  const placedMail = new WeakSet<LabMessage>();

  /** Applies the scenario; the faults it adds are scoped to the tenant and remembered for the next switch. */
  const applyScenario = (state: LabState, s: Scenario) => {
    const before = new Set(state.faults);
    s.apply(state);
    const added = state.faults.filter((f) => !before.has(f));
    for (const f of added) f.tenant = state.tenant.name;
    scenarioFaults.set(state.tenant.name, added);
    for (const box of Object.values(state.mail.mailboxes)) for (const m of box.messages) placedMail.add(m);
    scenarios.set(state.tenant.name, s.name);
  };

  const all = facts.map((f) => {
    const state = healthyTenantState(f, shared);
    applyScenario(state, scenario);
    return state;
  });
  const index = {
    name: new Map(all.map((s) => [s.tenant.name, s])),
    ref: new Map<string, LabState>(),
    loopback: new Map(all.map((s) => [s.tenant.erpLoopback, s])),
    outside: new Map(all.map((s) => [s.tenant.outsideSender.toLowerCase(), s])),
  };
  for (const s of all) {
    const t = s.tenant;
    for (const ref of [t.tenantId, t.domain, `${t.name}.onmicrosoft.com`, `${t.domain.replace(/\./g, '-')}.mail.protection.outlook.com`]) {
      index.ref.set(ref.toLowerCase(), s);
    }
  }
  const first = all[0] as LabState;

  return {
    first,
    all,
    traffic: shared,
    byName: (name) => index.name.get(name),
    byTenantRef: (ref) => index.ref.get(ref.toLowerCase()),
    byDomain: (value) => index.ref.get(domainOf(value)),
    byLoopback: (address) => index.loopback.get(address.replace(/^::ffff:/, '')),
    byOutsideAddress: (address) => index.outside.get(address.toLowerCase()),
    scenarioOf: (name) => scenarios.get(name),
    setScenario(s, name) {
      const state = index.name.get(name);
      const base = facts.find((f) => f.name === name);
      if (!state || !base) throw new Error(unknownTenantMessage(name, all));
      const old = scenarioFaults.get(name) ?? [];
      for (const f of old) {
        const at = shared.faults.indexOf(f);
        if (at >= 0) shared.faults.splice(at, 1);
      }
      const fresh = healthyTenantState(base, shared);
      applyScenario(fresh, s);
      fresh.microsoft.tokens = state.microsoft.tokens;
      fresh.microsoft.receivedCommands = state.microsoft.receivedCommands;
      fresh.mail.imapGrants = state.mail.imapGrants;
      fresh.mail.ndrs = state.mail.ndrs;
      keepDeliveredMail(state.mail, fresh.mail, placedMail);
      Object.assign(state, { tenant: fresh.tenant, microsoft: fresh.microsoft, erp: fresh.erp, dns: fresh.dns, mail: fresh.mail });
      for (const listener of listeners) listener(state);
    },
    onChange: (listener) => listeners.push(listener),
  };
}

/**
 * Mail that arrived while the lab ran stays where it is, as a configuration change leaves mailboxes
 * alone; messages the old scenario placed (`placed`) go; the new scenario's placed messages follow
 * the kept ones with the next UIDs (and are remembered as placed).
 */
function keepDeliveredMail(old: MailState, fresh: MailState, placed: WeakSet<LabMessage>): void {
  for (const [address, box] of Object.entries(old.mailboxes)) {
    const arrived = box.messages.filter((m) => !placed.has(m));
    const target = fresh.mailboxes[address];
    if (!target) {
      if (arrived.length > 0) fresh.mailboxes[address] = { ...box, messages: arrived };
      continue;
    }
    let uid = box.uidnext;
    const renumbered = target.messages.map((m) => ({ ...m, uid: uid++ }));
    for (const m of renumbered) placed.add(m);
    Object.assign(target, { messages: [...arrived, ...renumbered], uidnext: uid, uidvalidity: box.uidvalidity });
  }
}

export function unknownTenantMessage(name: string, all: readonly LabState[]): string {
  const names = all.map((s) => s.tenant.name);
  const shown = names.length > 5 ? `${names.slice(0, 3).join(', ')} … ${names.at(-1)}` : names.join(', ');
  return `The lab has no tenant called "${name}". Tenants: ${shown}.`;
}

/**
 * The tenants a lab service serves: a started lab passes its `LabTenants`; a test that starts one
 * service over a bare `LabState` gets that state as the only tenant.
 */
export function labTenantsOf(lab: LabState | LabTenants): LabTenants {
  if ('all' in lab) return lab;
  const state = lab;
  const t = () => state.tenant;
  const only = (match: boolean) => (match ? state : undefined);
  return {
    first: state,
    all: [state],
    traffic: state,
    byName: (name) => only(name === t().name),
    byTenantRef: (ref) =>
      only([t().tenantId, t().domain, `${t().name}.onmicrosoft.com`].some((r) => r.toLowerCase() === ref.toLowerCase())),
    byDomain: (value) => only(domainOf(value) === t().domain.toLowerCase()),
    byLoopback: (address) => only(address.replace(/^::ffff:/, '') === t().erpLoopback),
    byOutsideAddress: (address) => only(address.toLowerCase() === t().outsideSender.toLowerCase()),
    scenarioOf: () => undefined,
    setScenario: () => {
      throw new Error('This lab service runs over a bare state; start the lab with startLab to switch scenarios.');
    },
    onChange: () => {},
  };
}
