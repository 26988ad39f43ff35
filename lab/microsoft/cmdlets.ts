import { fail, notFound, same } from './cmdlet-results.js';
import { runWriteCmdlet } from './cmdlets-write.js';
import type { ExchangeRole, MicrosoftState } from './state.js';

/**
 * The Get cmdlets the lab's Exchange admin endpoint answers, over the shared state, with the real
 * property names. Parameters arrive as JSON values and are only ever compared, never evaluated.
 */
export type CmdletResult = { ok: true; objects: Record<string, unknown>[] } | { ok: false; error: CmdletError };

export interface CmdletError {
  status: number;
  code: string;
  /** The exception type Exchange names in `details[].message` (`Ex…|<type>|<text>`). */
  exception: string;
  text: string;
}

type Parameters = Record<string, unknown>;

interface CmdletSpec {
  /** The management roles that grant the cmdlet (any one); without them Exchange hides it. */
  roles: readonly ExchangeRole[];
  /** Accepted parameter names and the JSON type each must have. */
  parameters: Record<string, 'string' | 'number-or-string' | 'string-list'>;
  run(ms: MicrosoftState, parameters: Parameters): CmdletResult;
}

const CMDLETS: Record<string, CmdletSpec> = {
  'Get-InboundConnector': {
    roles: ['View-Only Configuration', 'Remote and Accepted Domains'],
    parameters: { Identity: 'string' },
    run: (ms, p) => byIdentity(ms.exchange.inboundConnectors, p.Identity, (c) => [c.Identity, c.Name, c.Guid]),
  },
  'Get-TransportRule': {
    roles: ['View-Only Configuration', 'Transport Rules'],
    parameters: { Identity: 'string' },
    run: (ms, p) => byIdentity(ms.exchange.transportRules, p.Identity, (r) => [r.Identity, r.Name, r.Guid]),
  },
  'Get-AcceptedDomain': {
    roles: ['View-Only Configuration', 'Remote and Accepted Domains'],
    parameters: { Identity: 'string' },
    run: (ms, p) => byIdentity(ms.exchange.acceptedDomains, p.Identity, (d) => [d.Identity, d.Name, d.DomainName]),
  },
  'Get-DynamicDistributionGroup': {
    roles: ['View-Only Recipients', 'Distribution Groups'],
    parameters: { Identity: 'string', ResultSize: 'number-or-string' },
    run: (ms, p) => {
      const found = byIdentity(ms.exchange.dynamicGroups, p.Identity, groupNames);
      if (!found.ok) return found;
      return {
        ok: true,
        objects: found.objects.map(({ members: _members, ...group }) => ({
          ...group,
          RecipientType: 'DynamicDistributionGroup',
          RecipientTypeDetails: 'DynamicDistributionGroup',
        })),
      };
    },
  },
  'Get-DynamicDistributionGroupMember': {
    roles: ['View-Only Recipients', 'Distribution Groups'],
    parameters: { Identity: 'string', ResultSize: 'number-or-string' },
    run: (ms, p) => {
      if (typeof p.Identity !== 'string') return missingMandatory('Identity');
      const found = byIdentity(ms.exchange.dynamicGroups, p.Identity, groupNames);
      if (!found.ok) return found;
      const members = (found.objects[0]?.members as string[] | undefined) ?? [];
      return { ok: true, objects: members.map((address) => recipient(ms, address)) };
    },
  },
  'Get-Mailbox': {
    roles: ['View-Only Recipients', 'Mail Recipients'],
    parameters: { Identity: 'string', RecipientTypeDetails: 'string-list', ResultSize: 'number-or-string' },
    run: (ms, p) => {
      const types = asList(p.RecipientTypeDetails);
      const found = byIdentity(ms.exchange.mailboxes, p.Identity, mailboxNames);
      if (!found.ok) return found;
      const objects = found.objects
        .filter((m) => types.length === 0 || types.some((t) => same(t, m.RecipientTypeDetails)))
        .map(({ ImapEnabled: _imap, PopEnabled: _pop, ...m }) => ({ ...m, Alias: m.Name, RecipientType: 'UserMailbox' }));
      return { ok: true, objects };
    },
  },
  'Get-CASMailbox': {
    roles: ['View-Only Recipients', 'Mail Recipients'],
    parameters: { Identity: 'string', ResultSize: 'number-or-string' },
    run: (ms, p) => {
      const found = byIdentity(ms.exchange.mailboxes, p.Identity, mailboxNames);
      if (!found.ok) return found;
      return {
        ok: true,
        objects: found.objects.map((m) => ({
          Identity: m.Identity,
          Name: m.Name,
          DisplayName: m.DisplayName,
          PrimarySmtpAddress: m.PrimarySmtpAddress,
          ExternalDirectoryObjectId: m.ExternalDirectoryObjectId,
          ImapEnabled: m.ImapEnabled,
          PopEnabled: m.PopEnabled,
          ActiveSyncEnabled: true,
          OWAEnabled: true,
          MAPIEnabled: true,
          EwsEnabled: true,
          SmtpClientAuthenticationDisabled: null,
        })),
      };
    },
  },
  'Get-Recipient': {
    roles: ['View-Only Recipients', 'Mail Recipients'],
    parameters: { Identity: 'string', ResultSize: 'number-or-string' },
    run: (ms, p) => {
      const all = recipients(ms);
      if (p.Identity === undefined) return { ok: true, objects: all };
      const match = all.filter((r) => recipientNames(r).some((n) => same(n, p.Identity)));
      if (match.length > 1) {
        return fail(
          400,
          'BadRequest',
          'Microsoft.Exchange.Configuration.Tasks.ManagementObjectAmbiguousException',
          `The operation couldn't be performed because '${String(p.Identity)}' matches multiple entries.`,
        );
      }
      return match.length === 1 ? { ok: true, objects: match } : notFound(p.Identity);
    },
  },
  'Get-OrganizationConfig': {
    roles: ['View-Only Configuration', 'Organization Configuration'],
    parameters: {},
    run: (ms) => ({ ok: true, objects: [{ ...ms.exchange.organizationConfig, DisplayName: ms.exchange.organizationConfig.Name }] }),
  },
};

/** Runs a cmdlet from a parsed `CmdletInput`; unknown cmdlets and parameters fail as Exchange does. */
export function runCmdlet(ms: MicrosoftState, name: unknown, parameters: unknown): CmdletResult {
  const written = typeof name === 'string' ? runWriteCmdlet(ms, name, parameters) : undefined;
  if (written) return written;
  const spec = typeof name === 'string' && Object.hasOwn(CMDLETS, name) ? (CMDLETS[name] as CmdletSpec) : undefined;
  // RBAC hides a cmdlet none of the app's roles grants: Exchange answers as for an unknown command.
  if (!spec?.roles.some((role) => ms.appRoles.exchangeRoles.includes(role))) {
    return fail(
      400,
      'BadRequest',
      'System.Management.Automation.CommandNotFoundException',
      `The term '${String(name)}' is not recognized as a name of a cmdlet, function, script file, or executable program. Check the spelling of the name, or if a path was included, verify that the path is correct and try again.`,
    );
  }
  const params = (parameters ?? {}) as Parameters;
  if (typeof params !== 'object' || Array.isArray(params)) {
    return fail(400, 'BadRequest', 'System.ArgumentException', 'Parameters must be a JSON object of parameter names and values.');
  }
  for (const [key, value] of Object.entries(params)) {
    const type = spec.parameters[key];
    if (!type) {
      return fail(
        400,
        'BadRequest',
        'System.Management.Automation.ParameterBindingException',
        `A parameter cannot be found that matches parameter name '${key}'.`,
      );
    }
    if (!hasType(value, type)) {
      return fail(
        400,
        'BadRequest',
        'System.Management.Automation.ParameterBindingException',
        `Cannot bind parameter '${key}'. Cannot convert the "${JSON.stringify(value)}" value to the type the parameter expects.`,
      );
    }
  }
  return spec.run(ms, params);
}

function hasType(value: unknown, type: CmdletSpec['parameters'][string]): boolean {
  if (type === 'string') return typeof value === 'string';
  if (type === 'number-or-string') return typeof value === 'number' || typeof value === 'string';
  return typeof value === 'string' || (Array.isArray(value) && value.every((v) => typeof v === 'string'));
}

function byIdentity<T extends object>(items: T[], identity: unknown, names: (item: T) => (string | null | undefined)[]): CmdletResult {
  if (identity === undefined) return { ok: true, objects: items.map((i) => ({ ...i })) as Record<string, unknown>[] };
  const match = items.filter((item) => names(item).some((n) => same(n, identity)));
  if (match.length === 0) return notFound(identity);
  return { ok: true, objects: match.map((i) => ({ ...i })) as Record<string, unknown>[] };
}

/** Every recipient as Get-Recipient lists it: the mailboxes and the dynamic groups. */
function recipients(ms: MicrosoftState): Record<string, unknown>[] {
  const mailboxes = ms.exchange.mailboxes.map((m) => ({
    Identity: m.Identity,
    Name: m.Name,
    DisplayName: m.DisplayName,
    Alias: m.Name,
    PrimarySmtpAddress: m.PrimarySmtpAddress,
    EmailAddresses: [`SMTP:${m.PrimarySmtpAddress}`],
    ExternalDirectoryObjectId: m.ExternalDirectoryObjectId,
    Guid: m.Guid,
    RecipientType: 'UserMailbox',
    RecipientTypeDetails: m.RecipientTypeDetails,
  }));
  // Dynamic groups live only in Exchange: no Entra object id.
  const groups = ms.exchange.dynamicGroups.map((g) => ({
    Identity: g.Identity,
    Name: g.Name,
    DisplayName: g.DisplayName,
    Alias: g.Name,
    PrimarySmtpAddress: g.PrimarySmtpAddress,
    EmailAddresses: [`SMTP:${g.PrimarySmtpAddress}`],
    ExternalDirectoryObjectId: '',
    Guid: g.Guid,
    RecipientType: 'DynamicDistributionGroup',
    RecipientTypeDetails: 'DynamicDistributionGroup',
  }));
  return [...mailboxes, ...groups];
}

/** What `-Identity` matches on a recipient: names, alias, addresses, object ids. */
function recipientNames(r: Record<string, unknown>): unknown[] {
  return [r.Identity, r.Name, r.DisplayName, r.Alias, r.PrimarySmtpAddress, r.Guid, r.ExternalDirectoryObjectId];
}

function groupNames(g: MicrosoftState['exchange']['dynamicGroups'][number]): string[] {
  return [g.Identity, g.Name, g.DisplayName, g.PrimarySmtpAddress, g.Guid];
}

function mailboxNames(m: MicrosoftState['exchange']['mailboxes'][number]): string[] {
  return [m.Identity, m.Name, m.UserPrincipalName, m.PrimarySmtpAddress, m.ExternalDirectoryObjectId, m.Guid];
}

/** A DDG member as Get-DynamicDistributionGroupMember lists it (a recipient). */
function recipient(ms: MicrosoftState, address: string): Record<string, unknown> {
  const mailbox = ms.exchange.mailboxes.find((m) => same(m.PrimarySmtpAddress, address));
  if (mailbox) {
    return {
      Identity: mailbox.Identity,
      Name: mailbox.Name,
      DisplayName: mailbox.DisplayName,
      Alias: mailbox.Name,
      PrimarySmtpAddress: mailbox.PrimarySmtpAddress,
      ExternalDirectoryObjectId: mailbox.ExternalDirectoryObjectId,
      Guid: mailbox.Guid,
      RecipientType: 'UserMailbox',
      RecipientTypeDetails: mailbox.RecipientTypeDetails,
    };
  }
  const name = address.split('@')[0] ?? address;
  return {
    Identity: name,
    Name: name,
    DisplayName: name,
    PrimarySmtpAddress: address,
    ExternalDirectoryObjectId: null,
    RecipientType: 'MailUniversalDistributionGroup',
    RecipientTypeDetails: 'MailUniversalDistributionGroup',
  };
}

function missingMandatory(name: string): CmdletResult {
  return fail(
    400,
    'BadRequest',
    'System.Management.Automation.ParameterBindingException',
    `Cannot process command because of one or more missing mandatory parameters: ${name}.`,
  );
}

function asList(value: unknown): string[] {
  if (typeof value === 'string')
    return value
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return Array.isArray(value) ? (value as string[]) : [];
}
