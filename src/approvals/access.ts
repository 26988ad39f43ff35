/**
 * Who may run commands about which tenant (`access` in the config). An MSP's tenants must not see
 * each other: a chat channel sees only the tenants bound to it; personal chats and DMs only for the
 * users listed. The CLI and the console are the operator's own terminal and see every tenant.
 */
export interface AccessConfig {
  /** Slack channel ids (`C…`), Teams team or conversation ids, each bound to tenant names. */
  channels: readonly { id: string; tenants: readonly string[] }[];
  /** `slack:U…` / `teams:<Entra object id>` allowed in personal chats and DMs, with the tenants they may see. */
  users: readonly { id: string; tenants: readonly string[] }[];
}

export interface Where {
  platform: 'slack' | 'teams' | 'console' | 'cli';
  userId: string;
  /** The channel, or the Teams team / conversation; absent for the console and the CLI. */
  channelId?: string;
  /** Teams: the team of the channel (a binding may name the team or the channel). */
  teamId?: string;
  /** A DM, a personal chat with the bot. */
  personal?: boolean;
}

export type Scope = { tenants: readonly string[] } | { refused: string };

/**
 * The tenants a command from here may see. Without an `access` section and with one tenant, every
 * channel the bot is in may use it (the simple setup); with several tenants it must be bound.
 */
export function scopeOf(access: AccessConfig | undefined, tenants: readonly string[], where: Where): Scope {
  if (where.platform === 'console' || where.platform === 'cli') return { tenants };
  if (!access) {
    if (tenants.length === 1) return { tenants };
    return {
      refused:
        'this bot serves several tenants and has no `access` section, so no channel may use it yet: bind channels to tenants in access.channels',
    };
  }
  if (where.personal) {
    const user = access.users.find((u) => u.id === `${where.platform}:${where.userId}`);
    return user ? { tenants: user.tenants } : { refused: 'personal chats with the bot are only for the users in access.users' };
  }
  const channel =
    access.channels.find((c) => c.id === where.channelId) ??
    (where.teamId ? access.channels.find((c) => c.id === where.teamId) : undefined);
  return channel ? { tenants: channel.tenants } : { refused: 'this channel is not bound to a tenant (access.channels)' };
}
