import { peopleLists, slackGroupsIn } from '../approvals/groups.js';
import type { MailsetupConfig } from '../config/schema.js';

/** The application permissions the checks need, by resource (README "Register the app", step 3). */
export const REQUIRED_ROLES = {
  graph: ['User.Read.All', 'Domain.Read.All', 'Organization.Read.All'],
  exchange: ['Exchange.ManageAsApp', 'IMAP.AccessAsApp'],
} as const;

/** The bot token scopes the Slack app needs (manifest/slack/manifest.yaml). */
export const REQUIRED_SLACK_SCOPES = ['commands', 'chat:write'] as const;

/**
 * The bot token scopes this config needs: the manifest's, and `usergroups:read` when a list of
 * people names a Slack user group (the bot reads its members to decide a click), with where.
 */
export function slackScopesFor(config: Pick<MailsetupConfig, 'approvals' | 'alerts'>): { scopes: string[]; groupsNamedIn: string[] } {
  const groupsNamedIn = peopleLists(config)
    .filter(([, entries]) => slackGroupsIn(entries).length > 0)
    .map(([key]) => key);
  return { scopes: [...REQUIRED_SLACK_SCOPES, ...(groupsNamedIn.length > 0 ? ['usergroups:read'] : [])], groupsNamedIn };
}

/**
 * The `roles` claim of an app-only access token: the application permissions granted with admin
 * consent. Entra omits the claim when none is granted. The token is read, not verified: it came
 * straight from the token endpoint over TLS, and only its claims are reported.
 */
export function tokenRoles(token: string): string[] | undefined {
  const payload = token.split('.')[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { roles?: unknown };
    return Array.isArray(claims.roles) ? claims.roles.filter((r): r is string => typeof r === 'string') : [];
  } catch {
    return undefined;
  }
}

/** What of `required` is missing from `granted` (case-insensitive, as Entra compares). */
export function missing(required: readonly string[], granted: readonly string[]): string[] {
  const have = new Set(granted.map((g) => g.toLowerCase()));
  return required.filter((r) => !have.has(r.toLowerCase()));
}
