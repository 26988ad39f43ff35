/** The application permissions the checks need, by resource (README "Register the app", step 3). */
export const REQUIRED_ROLES = {
  graph: ['User.Read.All', 'Domain.Read.All', 'Organization.Read.All'],
  exchange: ['Exchange.ManageAsApp', 'IMAP.AccessAsApp'],
} as const;

/** The bot token scopes the Slack app needs (manifest/slack/manifest.yaml). */
export const REQUIRED_SLACK_SCOPES = ['commands', 'chat:write'] as const;

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
