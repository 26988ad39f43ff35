import { redact } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';
import type { HttpResponse } from '../microsoft/http.js';
import { throttledError } from '../microsoft/throttle.js';

/** What the admin endpoint said went wrong. */
export interface ExoErrorText {
  message: string;
  /** The .NET exception type named in `details[].message` (`Ex…|<type>|<text>`), if any. */
  exception?: string;
  code?: string;
}

/**
 * Reads the endpoint's error body, in the order the EXO module's users found reliable:
 * `error.details[].message`, then `error.innererror.internalException.message`, then `error.message`.
 */
export function parseExoError(body: string): ExoErrorText | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  const error = (parsed as { error?: Record<string, unknown> } | null)?.error;
  if (!error || typeof error !== 'object') return undefined;
  const code = typeof error.code === 'string' ? error.code : undefined;
  const details = Array.isArray(error.details) ? error.details : [];
  const detailMessages = details
    .map((d) => (d as { message?: unknown })?.message)
    .filter((m): m is string => typeof m === 'string' && m !== '');
  if (detailMessages.length > 0) {
    const parts = (detailMessages[0] as string).split('|');
    // "Ex6F9304|Microsoft.Exchange.…ManagementObjectNotFoundException|The operation couldn't be performed…"
    if (parts.length >= 3) return { message: parts.slice(2).join('|'), exception: parts[1], code };
    return { message: detailMessages.join(' '), code };
  }
  const inner = caseless(error, 'innererror');
  const internal = inner && typeof inner === 'object' ? caseless(inner as Record<string, unknown>, 'internalexception') : undefined;
  const internalMessage = internal && typeof internal === 'object' ? (internal as { message?: unknown }).message : undefined;
  if (typeof internalMessage === 'string' && internalMessage !== '') {
    const type = (internal as { type?: unknown }).type;
    return { message: internalMessage, exception: typeof type === 'string' ? type : undefined, code };
  }
  if (typeof error.message === 'string') return { message: error.message, code };
  return undefined;
}

function caseless(object: Record<string, unknown>, key: string): unknown {
  const found = Object.keys(object).find((k) => k.toLowerCase() === key);
  return found === undefined ? undefined : object[found];
}

/**
 * The Exchange roles a cmdlet needs, and the built-in role group that holds them. Reads need only
 * the view-only roles (Entra's Global Reader includes them); writes — the fixes — need the role that
 * manages the object (Exchange Administrator includes them all).
 */
interface CmdletAccess {
  roles: string[];
  roleGroup: string;
  write: boolean;
}
const VIEW_CONFIGURATION: CmdletAccess = {
  roles: ['View-Only Configuration'],
  roleGroup: 'View-Only Organization Management',
  write: false,
};
const VIEW_RECIPIENTS: CmdletAccess = { roles: ['View-Only Recipients'], roleGroup: 'View-Only Organization Management', write: false };
const write = (role: string, roleGroup = 'Organization Management'): CmdletAccess => ({ roles: [role], roleGroup, write: true });

const ACCESS_BY_NOUN: Record<string, { read: CmdletAccess; write: CmdletAccess }> = {
  InboundConnector: { read: VIEW_CONFIGURATION, write: write('Remote and Accepted Domains') },
  AcceptedDomain: { read: VIEW_CONFIGURATION, write: write('Remote and Accepted Domains') },
  TransportRule: { read: VIEW_CONFIGURATION, write: write('Transport Rules') },
  OrganizationConfig: { read: VIEW_CONFIGURATION, write: write('Organization Configuration') },
  Recipient: { read: VIEW_RECIPIENTS, write: write('Mail Recipients') },
  Mailbox: { read: VIEW_RECIPIENTS, write: write('Mail Recipients') },
  CASMailbox: { read: VIEW_RECIPIENTS, write: write('Mail Recipients', 'Recipient Management') },
  DynamicDistributionGroup: { read: VIEW_RECIPIENTS, write: write('Distribution Groups', 'Recipient Management') },
  DynamicDistributionGroupMember: { read: VIEW_RECIPIENTS, write: write('Distribution Groups') },
};

/** What `Get-TransportRule` or `Set-TransportRule` needs. */
export function accessFor(cmdlet: string): CmdletAccess {
  const [verb = '', noun = ''] = cmdlet.split('-', 2);
  const entry = ACCESS_BY_NOUN[noun];
  const isWrite = verb.toLowerCase() !== 'get';
  if (!entry) return isWrite ? write('Organization Configuration') : VIEW_CONFIGURATION;
  return isWrite ? entry.write : entry.read;
}

export interface ExoCallContext {
  cmdlet: string;
  clientId: string;
}

/** A non-2xx answer of the admin endpoint as a coded error. */
export function mapExoAnswer(response: HttpResponse, ctx: ExoCallContext): MailsetupError {
  const said = parseExoError(response.body);
  const text = said ? redact(said.message) : `HTTP ${response.status}`;
  const details = { httpStatus: response.status, cmdlet: ctx.cmdlet, exoCode: said?.code, exception: said?.exception };
  const notRecognised =
    said?.exception?.endsWith('CommandNotFoundException') || /is not recognized as (the )?name of a cmdlet/i.test(said?.message ?? '');
  if (response.status === 401 || response.status === 403 || notRecognised) {
    return insufficientPermission(ctx, text, details);
  }
  if (response.status === 404 && (said?.exception?.endsWith('ManagementObjectNotFoundException') || said?.code === 'NotFound')) {
    return new MailsetupError('NotFound', `Exchange Online: ${text}`, { source: 'exchange', details });
  }
  if (response.status === 429) return throttledError(response, 'Exchange Online', 'exchange');
  if (response.status >= 500) {
    return new MailsetupError('AdapterUnavailable', `Exchange Online is unavailable (HTTP ${response.status}) for ${ctx.cmdlet}: ${text}`, {
      hint: 'This is usually passing; try again in a few minutes.',
      source: 'exchange',
      details,
    });
  }
  return new MailsetupError('AdapterUnavailable', `Exchange Online rejected ${ctx.cmdlet} (HTTP ${response.status}): ${text}`, {
    hint: 'The admin endpoint may have changed (it is not officially supported); check services.exchangeAdminUrl.',
    source: 'exchange',
    details,
  });
}

function insufficientPermission(ctx: ExoCallContext, text: string, details: Record<string, unknown>): MailsetupError {
  const access = accessFor(ctx.cmdlet);
  const roles = access.roles.map((r) => `"${r}"`).join(' and ');
  const entraRole = access.write ? 'Exchange Administrator' : 'Global Reader';
  return new MailsetupError('InsufficientPermission', `App ${ctx.clientId} may not run ${ctx.cmdlet} in Exchange Online: ${text}`, {
    hint:
      `The app needs the application permission Exchange.ManageAsApp (API "Office 365 Exchange Online", with admin consent) and ` +
      `${access.write ? 'a role that may change this (fixes)' : 'a read role'}: the Entra role ${entraRole} (Entra admin center → Roles and administrators), ` +
      `or, least privilege, the Exchange role ${roles} (in the role group "${access.roleGroup}") assigned to its service principal ` +
      `(New-ServicePrincipal, then Add-RoleGroupMember or New-ManagementRoleAssignment).`,
    source: 'exchange',
    details: { ...details, neededRoles: access.roles, neededRoleGroup: access.roleGroup, neededPermission: 'Exchange.ManageAsApp' },
  });
}
