import { redact } from '../../config/secret.js';
import { MailsetupError } from '../../errors.js';

/** The Web API's error code (`invalid_auth`, `not_in_channel`, …) of a failed call, if it has one. */
export function slackErrorCode(error: unknown): string | undefined {
  const data = (error as { data?: { error?: unknown } } | undefined)?.data;
  return typeof data?.error === 'string' ? data.error : undefined;
}

/** Slack answered that the bot may not post in this conversation (not a member, or a DM it is not part of). */
export function cannotPostHere(error: unknown): boolean {
  const code = slackErrorCode(error);
  return code === 'not_in_channel' || code === 'channel_not_found' || code === 'is_archived';
}

/**
 * A coded error with a sentence for a Slack failure at start-up (bad token, unreachable API). The
 * token itself never appears: only Slack's error code and the API URL.
 */
export function slackStartError(error: unknown, what: 'bot token' | 'app-level token', apiUrl: string): MailsetupError {
  const code = slackErrorCode(error);
  if (
    code === 'invalid_auth' ||
    code === 'not_authed' ||
    code === 'account_inactive' ||
    code === 'token_revoked' ||
    code === 'not_allowed_token_type'
  ) {
    return new MailsetupError('AuthFailed', `Slack refused the ${what} (${code}).`, {
      hint: refusedTokenHint(what, code),
      source: 'slack',
    });
  }
  if (code)
    return new MailsetupError('AdapterUnavailable', `Slack answered ${code} when the bot started.`, {
      hint: 'Check the Slack app settings and try again.',
      source: 'slack',
    });
  const reason = redact(error instanceof Error ? error.message : String(error));
  if (what === 'app-level token') {
    // apps.connections.open is retried until it answers; what fails here is the WebSocket it handed out.
    // undici's WebSocket reports a failed handshake with an empty message.
    const said = reason.split('\n')[0] || 'the handshake did not complete';
    return new MailsetupError('AdapterUnavailable', `Slack Socket Mode could not open its WebSocket connection (${said}).`, {
      hint: 'Allow outbound WebSocket connections (wss://, port 443) to wss-primary.slack.com and wss-backup.slack.com through the proxy or firewall, or set slack.mode to http.',
      source: 'slack',
      cause: error,
    });
  }
  return new MailsetupError('AdapterUnavailable', `The Slack API at ${apiUrl} cannot be reached (${reason.split('\n')[0]}).`, {
    hint: 'Check the network path to Slack (a proxy or firewall) and services.slackApiUrl.',
    source: 'slack',
    cause: error,
  });
}

function refusedTokenHint(what: 'bot token' | 'app-level token', code: string): string {
  if (what === 'bot token') {
    return "Set SLACK_BOT_TOKEN (or slack.botToken) to the Bot User OAuth Token (xoxb-…) under OAuth & Permissions in the Slack app's settings.";
  }
  const kind =
    code === 'not_allowed_token_type'
      ? 'The token given is not an app-level token (a bot token xoxb-… perhaps). '
      : code === 'account_inactive'
        ? 'The token belongs to a deactivated app or workspace. '
        : '';
  return `${kind}Set SLACK_APP_TOKEN (or slack.appToken) to an app-level token (xapp-…) with the connections:write scope: make one under Basic Information → App-Level Tokens in the Slack app's settings.`;
}
