import { randomUUID } from 'node:crypto';
import ipaddr from 'ipaddr.js';
import { fail, notFound, same } from './cmdlet-results.js';
import type { CmdletResult } from './cmdlets.js';
import type {
  AcceptedDomain,
  DynamicDistributionGroup,
  ExchangeRole,
  InboundConnector,
  Mailbox,
  MicrosoftState,
  TransportRule,
} from './state.js';

/**
 * The Set-/New-/Enable-/Disable- cmdlets the fixes use, over the shared state (so the MX, IMAP and
 * the next Get see the change at once). Parameters are validated as Exchange binds them: unknown
 * names, wrong types and values outside an enum fail with Exchange's texts; a missing object is
 * ManagementObjectNotFoundException; a taken name is refused. A write answers `value: null`.
 */

type Kind =
  | 'string'
  | 'boolean'
  | 'number'
  | 'string-list'
  /** A multi-valued property: a list replaces it, `{Add, Remove}` edits it. */
  | 'multi'
  /** A rule condition: a value or list sets it, `$null` clears it. */
  | 'condition'
  | readonly string[];

type Params = Record<string, unknown>;
type Exchange = MicrosoftState['exchange'];

interface WriteSpec {
  /** The management role that grants the cmdlet; without it Exchange hides the cmdlet. */
  role: ExchangeRole;
  parameters: Record<string, Kind>;
  mandatory: string[];
  run(ms: MicrosoftState, p: Params): CmdletResult;
}

const SCOPES = ['InOrganization', 'NotInOrganization', 'ExternalPartner', 'ExternalNonPartner'] as const;
const MODES = ['Enforce', 'Audit', 'AuditAndNotify'] as const;
const SEVERITIES = ['DoNotAudit', 'Low', 'Medium', 'High'] as const;
const DONE: CmdletResult = { ok: true, objects: [] };

const CONNECTOR_PARAMS: Record<string, Kind> = {
  Enabled: 'boolean',
  ConnectorType: ['OnPremises', 'Partner'],
  SenderIPAddresses: 'multi',
  SenderDomains: 'multi',
  RequireTls: 'boolean',
  RestrictDomainsToIPAddresses: 'boolean',
  TlsSenderCertificateName: 'string',
  Comment: 'string',
};

const RULE_PARAMS: Record<string, Kind> = {
  Priority: 'number',
  Mode: MODES,
  RedirectMessageTo: 'string-list',
  ExceptIfSentToScope: SCOPES,
  ExceptIfSentToMemberOf: 'string-list',
  SetAuditSeverity: SEVERITIES,
  StopRuleProcessing: 'boolean',
  Comments: 'string',
};

/** The condition properties the lab's rules hold (Set-TransportRule -<Condition> $null clears one). */
const CONDITIONS = ['SentTo', 'SentToScope', 'From', 'FromScope', 'SubjectContainsWords'] as const;
const CONDITION_PARAMS: Record<string, Kind> = Object.fromEntries(CONDITIONS.map((c) => [c, 'condition']));

const WRITES: Record<string, WriteSpec> = {
  'New-InboundConnector': {
    role: 'Remote and Accepted Domains',
    parameters: { Name: 'string', ...CONNECTOR_PARAMS },
    mandatory: ['Name', 'SenderDomains'],
    run: (ms, p) => {
      const name = p.Name as string;
      if (ms.exchange.inboundConnectors.some((c) => same(c.Name, name))) return taken(`The inbound connector "${name}" already exists.`);
      const connector: InboundConnector = {
        Identity: name,
        Name: name,
        Guid: randomUUID(),
        Enabled: true,
        ConnectorType: 'Partner',
        ConnectorSource: 'Default',
        SenderIPAddresses: [],
        SenderDomains: [],
        RequireTls: false,
        RestrictDomainsToIPAddresses: false,
        RestrictDomainsToCertificate: false,
        TlsSenderCertificateName: null,
        CloudServicesMailEnabled: false,
        TreatMessagesAsInternal: false,
        AssociatedAcceptedDomains: [],
      };
      const invalid = setConnector(connector, p);
      if (invalid) return invalid;
      ms.exchange.inboundConnectors.push(connector);
      return DONE;
    },
  },
  'Set-InboundConnector': {
    role: 'Remote and Accepted Domains',
    parameters: { Identity: 'string', ...CONNECTOR_PARAMS },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const connector = ms.exchange.inboundConnectors.find((c) => [c.Identity, c.Name, c.Guid].some((n) => same(n, p.Identity)));
      if (!connector) return notFound(p.Identity);
      const copy = structuredClone(connector);
      const invalid = setConnector(copy, p);
      if (invalid) return invalid;
      Object.assign(connector, copy);
      return DONE;
    },
  },
  'Set-AcceptedDomain': {
    role: 'Remote and Accepted Domains',
    parameters: { Identity: 'string', DomainType: ['Authoritative', 'InternalRelay', 'ExternalRelay'], MatchSubDomains: 'boolean' },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const domain = ms.exchange.acceptedDomains.find((d) => [d.Identity, d.Name, d.DomainName].some((n) => same(n, p.Identity)));
      if (!domain) return notFound(p.Identity);
      if (p.DomainType !== undefined) domain.DomainType = p.DomainType as AcceptedDomain['DomainType'];
      if (p.MatchSubDomains !== undefined) domain.MatchSubDomains = p.MatchSubDomains as boolean;
      return DONE;
    },
  },
  'New-DynamicDistributionGroup': {
    role: 'Distribution Groups',
    parameters: { Name: 'string', DisplayName: 'string', Alias: 'string', PrimarySmtpAddress: 'string', IncludedRecipients: 'string' },
    mandatory: ['Name', 'IncludedRecipients'],
    run: (ms, p) => {
      const name = p.Name as string;
      const alias = (p.Alias as string | undefined) ?? name.replace(/[^A-Za-z0-9._-]/g, '');
      const domain = ms.exchange.acceptedDomains.find((d) => d.Default)?.DomainName ?? ms.exchange.acceptedDomains[0]?.DomainName;
      const address = (p.PrimarySmtpAddress as string | undefined) ?? `${alias}@${domain}`;
      if (nameTaken(ms.exchange, name, address)) return taken(`The name "${name}" is already being used. Please try another name.`);
      const included = includedRecipients(p.IncludedRecipients as string);
      if (typeof included !== 'string') return included;
      const group: DynamicDistributionGroup = {
        Identity: name,
        Name: name,
        DisplayName: (p.DisplayName as string | undefined) ?? name,
        PrimarySmtpAddress: address,
        Guid: randomUUID(),
        RecipientFilter: recipientFilter(included),
        LdapRecipientFilter: '(|(objectClass=user)(objectClass=group))',
        IncludedRecipients: included,
        HiddenFromAddressListsEnabled: false,
        CalculatedMembershipUpdateTime: new Date().toISOString(),
        members: [],
      };
      group.members = membersOf(ms.exchange, group);
      ms.exchange.dynamicGroups.push(group);
      return DONE;
    },
  },
  'Set-DynamicDistributionGroup': {
    role: 'Distribution Groups',
    parameters: {
      Identity: 'string',
      IncludedRecipients: 'string',
      HiddenFromAddressListsEnabled: 'boolean',
      ForceMembershipRefresh: 'boolean',
      DisplayName: 'string',
    },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const group = ms.exchange.dynamicGroups.find((g) =>
        [g.Identity, g.Name, g.DisplayName, g.PrimarySmtpAddress, g.Guid].some((n) => same(n, p.Identity)),
      );
      if (!group) return notFound(p.Identity);
      if (p.IncludedRecipients !== undefined) {
        const included = includedRecipients(p.IncludedRecipients as string);
        if (typeof included !== 'string') return included;
        group.IncludedRecipients = included;
        group.RecipientFilter = recipientFilter(included);
      }
      if (p.HiddenFromAddressListsEnabled !== undefined) group.HiddenFromAddressListsEnabled = p.HiddenFromAddressListsEnabled as boolean;
      if (p.DisplayName !== undefined) group.DisplayName = p.DisplayName as string;
      // The stored membership is refreshed on demand only with -ForceMembershipRefresh (else every 24 h).
      if (p.ForceMembershipRefresh === true) {
        group.members = membersOf(ms.exchange, group);
        group.CalculatedMembershipUpdateTime = new Date().toISOString();
      }
      return DONE;
    },
  },
  'Set-CASMailbox': {
    role: 'Mail Recipients',
    parameters: { Identity: 'string', ImapEnabled: 'boolean', PopEnabled: 'boolean' },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const mailbox = findMailbox(ms.exchange, p.Identity);
      if (!mailbox) return notFound(p.Identity);
      if (p.ImapEnabled !== undefined) mailbox.ImapEnabled = p.ImapEnabled as boolean;
      if (p.PopEnabled !== undefined) mailbox.PopEnabled = p.PopEnabled as boolean;
      return DONE;
    },
  },
  'New-TransportRule': {
    role: 'Transport Rules',
    parameters: { Name: 'string', Enabled: 'boolean', ...RULE_PARAMS },
    mandatory: ['Name'],
    run: (ms, p) => {
      const name = p.Name as string;
      const rules = ms.exchange.transportRules;
      if (rules.some((r) => same(r.Name, name))) return taken(`A transport rule with the name "${name}" already exists.`);
      const rule: TransportRule = {
        Identity: name,
        Name: name,
        Guid: randomUUID(),
        State: p.Enabled === false ? 'Disabled' : 'Enabled',
        Mode: 'Enforce',
        Priority: rules.length,
        SentTo: null,
        SentToScope: null,
        From: null,
        FromScope: null,
        SubjectContainsWords: null,
        RedirectMessageTo: null,
        DeleteMessage: false,
        ExceptIfSentToScope: null,
        ExceptIfSentToMemberOf: null,
        ExceptIfSentTo: null,
        SetAuditSeverity: '',
        StopRuleProcessing: false,
        Comments: '',
      };
      const invalid = setRule(ms.exchange, rule, p, rules.length + 1);
      if (invalid) return invalid;
      rules.push(rule);
      reprioritise(rules, rule, p.Priority as number | undefined);
      return DONE;
    },
  },
  'Set-TransportRule': {
    role: 'Transport Rules',
    parameters: { Identity: 'string', ...RULE_PARAMS, ...CONDITION_PARAMS },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const rules = ms.exchange.transportRules;
      const rule = findRule(rules, p.Identity);
      if (!rule) return notFound(p.Identity);
      const copy = structuredClone(rule);
      const invalid = setRule(ms.exchange, copy, p, rules.length);
      if (invalid) return invalid;
      Object.assign(rule, copy);
      reprioritise(rules, rule, p.Priority as number | undefined);
      return DONE;
    },
  },
  'Enable-TransportRule': {
    role: 'Transport Rules',
    parameters: { Identity: 'string', Mode: MODES },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const rule = findRule(ms.exchange.transportRules, p.Identity);
      if (!rule) return notFound(p.Identity);
      rule.State = 'Enabled';
      // Enable-TransportRule keeps the rule's Mode unless -Mode is given.
      if (p.Mode !== undefined) rule.Mode = p.Mode as TransportRule['Mode'];
      return DONE;
    },
  },
  'Disable-TransportRule': {
    role: 'Transport Rules',
    parameters: { Identity: 'string' },
    mandatory: ['Identity'],
    run: (ms, p) => {
      const rule = findRule(ms.exchange.transportRules, p.Identity);
      if (!rule) return notFound(p.Identity);
      rule.State = 'Disabled';
      return DONE;
    },
  },
};

/**
 * Runs a write cmdlet; undefined when `name` is not one, or when no role of the app grants it
 * (RBAC hides it: the caller answers "not recognized", as Exchange does).
 */
export function runWriteCmdlet(ms: MicrosoftState, name: string, parameters: unknown): CmdletResult | undefined {
  if (!Object.hasOwn(WRITES, name)) return undefined;
  const spec = WRITES[name] as WriteSpec;
  if (!ms.appRoles.exchangeRoles.includes(spec.role)) return undefined;
  const p = (parameters ?? {}) as Params;
  if (typeof p !== 'object' || Array.isArray(p)) return argument('Parameters must be a JSON object of parameter names and values.');
  for (const [key, value] of Object.entries(p)) {
    const kind = spec.parameters[key];
    if (!kind) return binding(`A parameter cannot be found that matches parameter name '${key}'.`);
    const problem = typeProblem(key, value, kind);
    if (problem) return problem;
  }
  const missing = spec.mandatory.filter((m) => p[m] === undefined || p[m] === null);
  if (missing.length > 0)
    return binding(`Cannot process command because of one or more missing mandatory parameters: ${missing.join(' ')}.`);
  return spec.run(ms, p);
}

function typeProblem(key: string, value: unknown, kind: Kind): CmdletResult | undefined {
  const bad = () =>
    binding(`Cannot bind parameter '${key}'. Cannot convert the "${JSON.stringify(value)}" value to the type the parameter expects.`);
  if (Array.isArray(kind)) {
    if (typeof value !== 'string') return bad();
    if (!kind.some((k) => same(k, value))) {
      return binding(
        `Cannot process argument transformation on parameter '${key}'. Cannot convert value "${value}" to type. Error: "Unable to match the identifier name ${value} to a valid enumerator name. Specify one of the following enumerator names and try again: ${kind.join(', ')}"`,
      );
    }
    return undefined;
  }
  if (kind === 'string') return typeof value === 'string' ? undefined : bad();
  if (kind === 'boolean') return typeof value === 'boolean' ? undefined : bad();
  if (kind === 'number') return typeof value === 'number' && Number.isInteger(value) ? undefined : bad();
  if (kind === 'string-list') return isStrings(value) || typeof value === 'string' ? undefined : bad();
  if (kind === 'condition') return value === null || isStrings(value) || typeof value === 'string' ? undefined : bad();
  if (isStrings(value) || typeof value === 'string') return undefined;
  if (value && typeof value === 'object') {
    const edit = value as Record<string, unknown>;
    const keys = Object.keys(edit);
    if (keys.length > 0 && keys.every((k) => (k === 'Add' || k === 'Remove') && (isStrings(edit[k]) || typeof edit[k] === 'string'))) {
      return undefined;
    }
  }
  return bad();
}

/** A multi-valued property after a list (replace) or `{Add, Remove}` (edit). */
function multi(current: readonly string[], value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return [...value];
  const edit = value as { Add?: string | string[]; Remove?: string | string[] };
  const add = asList(edit.Add);
  const remove = asList(edit.Remove);
  const kept = current.filter((v) => !remove.some((r) => same(r, v)));
  return [...kept, ...add.filter((a) => !kept.some((k) => same(k, a)))];
}

function setConnector(connector: InboundConnector, p: Params): CmdletResult | undefined {
  if (p.Enabled !== undefined) connector.Enabled = p.Enabled as boolean;
  if (p.ConnectorType !== undefined) connector.ConnectorType = p.ConnectorType as InboundConnector['ConnectorType'];
  if (p.RequireTls !== undefined) connector.RequireTls = p.RequireTls as boolean;
  if (p.RestrictDomainsToIPAddresses !== undefined) connector.RestrictDomainsToIPAddresses = p.RestrictDomainsToIPAddresses as boolean;
  if (p.TlsSenderCertificateName !== undefined) connector.TlsSenderCertificateName = p.TlsSenderCertificateName as string;
  if (p.SenderDomains !== undefined) {
    // Exchange stores `*` as the address space `smtp:*;1`.
    connector.SenderDomains = multi(connector.SenderDomains, p.SenderDomains).map((d) => (d.startsWith('smtp:') ? d : `smtp:${d};1`));
  }
  if (p.SenderIPAddresses !== undefined) {
    const addresses = multi(connector.SenderIPAddresses, p.SenderIPAddresses);
    const wrong = addresses.find((a) => !isIpEntry(a));
    if (wrong !== undefined) {
      return binding(
        `Cannot process argument transformation on parameter 'SenderIPAddresses'. Cannot convert value "${wrong}" to type "Microsoft.Exchange.Data.IPRange". Error: "'${wrong}' isn't a valid IP address."`,
      );
    }
    connector.SenderIPAddresses = addresses;
  }
  if (connector.ConnectorType === 'OnPremises' && connector.SenderIPAddresses.length === 0 && !connector.TlsSenderCertificateName) {
    return invalidOperation(
      'An on-premises inbound connector needs either SenderIPAddresses or TlsSenderCertificateName to identify the sending server.',
    );
  }
  return undefined;
}

function setRule(exchange: Exchange, rule: TransportRule, p: Params, maxPriority: number): CmdletResult | undefined {
  if (p.Priority !== undefined && ((p.Priority as number) < 0 || (p.Priority as number) >= maxPriority)) {
    return argument(`The value of parameter Priority must be between 0 and ${maxPriority - 1}.`);
  }
  if (p.Mode !== undefined) rule.Mode = canonical(MODES, p.Mode) as TransportRule['Mode'];
  if (p.ExceptIfSentToScope !== undefined)
    rule.ExceptIfSentToScope = canonical(SCOPES, p.ExceptIfSentToScope) as TransportRule['SentToScope'];
  if (p.SetAuditSeverity !== undefined)
    rule.SetAuditSeverity = canonical(SEVERITIES, p.SetAuditSeverity) as TransportRule['SetAuditSeverity'];
  if (p.StopRuleProcessing !== undefined) rule.StopRuleProcessing = p.StopRuleProcessing as boolean;
  if (p.Comments !== undefined) rule.Comments = p.Comments as string;
  for (const condition of CONDITIONS) {
    const value = p[condition];
    if (value === undefined) continue;
    const scoped = condition === 'SentToScope' || condition === 'FromScope';
    (rule as unknown as Record<string, unknown>)[condition] = value === null ? null : scoped ? String(value) : asList(value);
  }
  if (p.RedirectMessageTo !== undefined) {
    const stored: string[] = [];
    for (const reference of asList(p.RedirectMessageTo)) {
      const mailbox = findMailbox(exchange, reference);
      if (!mailbox) return notFound(reference);
      // Exchange stores the recipient's identity as it knows it (its display name), not what was typed.
      stored.push(mailbox.DisplayName);
    }
    rule.RedirectMessageTo = stored;
  }
  if (p.ExceptIfSentToMemberOf !== undefined) {
    const stored: string[] = [];
    for (const reference of asList(p.ExceptIfSentToMemberOf)) {
      const group = exchange.dynamicGroups.find((g) =>
        [g.Identity, g.Name, g.DisplayName, g.PrimarySmtpAddress].some((n) => same(n, reference)),
      );
      if (!group) return notFound(reference);
      stored.push(group.DisplayName);
    }
    rule.ExceptIfSentToMemberOf = stored;
  }
  return undefined;
}

/** Moves `rule` to `priority`, shifting the others, and renumbers 0…n-1 as Exchange does. */
function reprioritise(rules: TransportRule[], rule: TransportRule, priority: number | undefined): void {
  const others = rules.filter((r) => r !== rule).sort((a, b) => a.Priority - b.Priority);
  const at = priority ?? Math.min(rule.Priority, others.length);
  others.splice(at, 0, rule);
  others.forEach((r, i) => {
    r.Priority = i;
  });
}

function membersOf(exchange: Exchange, group: DynamicDistributionGroup): string[] {
  const included = (group.IncludedRecipients ?? '').toLowerCase();
  const all = included.includes('allrecipients');
  const mailboxes =
    all || included.includes('mailboxusers') ? exchange.mailboxes.filter((m) => m.RecipientTypeDetails === 'UserMailbox') : [];
  const groups = all || included.includes('mailgroups') ? exchange.dynamicGroups.filter((g) => g !== group) : [];
  return [...mailboxes.map((m) => m.PrimarySmtpAddress), ...groups.map((g) => g.PrimarySmtpAddress)];
}

const RECIPIENT_KINDS = ['None', 'MailboxUsers', 'Resources', 'MailContacts', 'MailGroups', 'MailUsers', 'AllRecipients'];

function includedRecipients(value: string): string | CmdletResult {
  const parts = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const wrong = parts.find((part) => !RECIPIENT_KINDS.some((k) => same(k, part)));
  if (wrong !== undefined || parts.length === 0) {
    return binding(
      `Cannot process argument transformation on parameter 'IncludedRecipients'. Cannot convert value "${value}" to type "Microsoft.Exchange.Data.Directory.Recipient.WellKnownRecipientType". Error: "Unable to match the identifier name ${wrong ?? value} to a valid enumerator name. Specify one of the following enumerator names and try again: ${RECIPIENT_KINDS.join(', ')}"`,
    );
  }
  return parts.map((part) => RECIPIENT_KINDS.find((k) => same(k, part)) as string).join(', ');
}

function recipientFilter(included: string): string {
  const types = included
    .split(', ')
    .map((k) =>
      k === 'MailboxUsers'
        ? "(RecipientType -eq 'UserMailbox')"
        : k === 'MailGroups'
          ? "(RecipientType -eq 'MailUniversalDistributionGroup')"
          : `(${k})`,
    );
  return `((${types.join(' -or ')}) -and (-not(Name -like 'SystemMailbox{*')))`;
}

function nameTaken(exchange: Exchange, name: string, address: string): boolean {
  return (
    exchange.dynamicGroups.some((g) => same(g.Name, name) || same(g.PrimarySmtpAddress, address)) ||
    exchange.mailboxes.some((m) => same(m.Name, name) || same(m.PrimarySmtpAddress, address))
  );
}

function findMailbox(exchange: Exchange, identity: unknown): Mailbox | undefined {
  return exchange.mailboxes.find((m) =>
    [m.Identity, m.Name, m.DisplayName, m.UserPrincipalName, m.PrimarySmtpAddress, m.ExternalDirectoryObjectId].some((n) =>
      same(n, identity),
    ),
  );
}

function findRule(rules: TransportRule[], identity: unknown): TransportRule | undefined {
  return rules.find((r) => [r.Identity, r.Name, r.Guid].some((n) => same(n, identity)));
}

function isIpEntry(text: string): boolean {
  const value = text.trim();
  if (value.includes('/')) {
    try {
      ipaddr.parseCIDR(value);
      return true;
    } catch {
      return false;
    }
  }
  if (value.includes('-')) return value.split('-').every((part) => ipaddr.isValid(part.trim()));
  return ipaddr.isValid(value);
}

function canonical(values: readonly string[], value: unknown): string {
  return values.find((v) => same(v, value)) ?? String(value);
}

function asList(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return typeof value === 'string' ? [value] : [...(value as string[])];
}

function isStrings(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

const binding = (text: string) => fail(400, 'BadRequest', 'System.Management.Automation.ParameterBindingException', text);
const argument = (text: string) => fail(400, 'BadRequest', 'System.ArgumentException', text);
const invalidOperation = (text: string) => fail(400, 'BadRequest', 'System.InvalidOperationException', text);
const taken = (text: string) => fail(400, 'BadRequest', 'Microsoft.Exchange.Data.Directory.ADObjectAlreadyExistsException', text);
