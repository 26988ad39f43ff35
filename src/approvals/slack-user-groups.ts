import { webApi } from '@slack/bolt';
import type { GroupDirectory } from './groups.js';

/** Slack's own words for why a group cannot be read, as a clause for the clicker. */
function why(code: string): string {
  if (code === 'missing_scope') return 'the Slack app lacks the usergroups:read scope: add it and reinstall the app';
  if (code === 'no_such_subteam') return 'Slack has no such user group';
  return `Slack answered ${code}`;
}

/**
 * Slack user groups (`S…`, or `@handle` looked up in usergroups.list) and their members
 * (usergroups.users.list), through the Web API with the bot token. Needs the usergroups:read scope.
 */
export class SlackUserGroups implements GroupDirectory {
  readonly #client: webApi.WebClient;

  constructor(botToken: string, apiUrl: string) {
    this.#client = new webApi.WebClient(botToken, { slackApiUrl: apiUrl, timeout: 10_000, retryConfig: { retries: 1 } });
  }

  async membersOf(group: string): Promise<string[]> {
    try {
      const id = group.startsWith('@') ? await this.#idOf(group.slice(1)) : group;
      const answer = await this.#client.usergroups.users.list({ usergroup: id });
      return answer.users ?? [];
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      throw new Error(code ? why(code) : (error as Error).message);
    }
  }

  async #idOf(handle: string): Promise<string> {
    const answer = await this.#client.usergroups.list({});
    const found = answer.usergroups?.find((g) => g.handle === handle);
    if (!found?.id) throw new Error(`Slack has no user group @${handle}`);
    return found.id;
  }
}
