import type { types } from '@slack/bolt';
import { blocksForView, SLACK_LIMITS, toMrkdwn } from '../../render/blocks.js';
import { neutraliseControls } from '../../render/safe-text.js';
import { personTime } from '../../render/time.js';
import type { LastStatus } from '../../store/store.js';

/**
 * Whether the app's Messages tab is on (`features.app_home.messages_tab_enabled` in
 * manifest/slack/manifest.yaml): the Home tab only invites people to type there when it is.
 */
export const MESSAGES_TAB_ENABLED = false;

export interface HomeView {
  type: 'home';
  blocks: types.KnownBlock[];
}

/** The App Home tab: the last status (when there is one) and how to ask for a new one. */
export function homeView(
  last: LastStatus | undefined,
  command = '/mailsetup',
  options: { messagesTab?: boolean; now?: Date } = {},
): HomeView {
  const messagesTab = options.messagesTab ?? MESSAGES_TAB_ENABLED;
  const head: types.KnownBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: 'mailsetup — ERP ↔ Exchange Online mail', emoji: true } },
  ];
  const foot: types.KnownBlock[] = [
    { type: 'divider' },
    {
      type: 'context',
      elements: [
        {
          type: 'mrkdwn',
          text: `\`${command} status\` runs every check · \`${command} check <id or area>\` one check with evidence · \`${command} explain <id>\` the steps by hand · \`${command} help\``,
        },
      ],
    },
  ];
  if (!last) {
    return {
      type: 'home',
      blocks: [
        ...head,
        {
          type: 'section',
          text: {
            type: 'mrkdwn',
            text: `No status yet. Run \`${command} status\` in a channel${messagesTab ? ' or in the Messages tab' : ''} to check the whole setup.`,
          },
        },
        ...foot,
      ],
    };
  }
  // The Home tab stays as published, so the age is Slack's live `{ago}`; the time itself in UTC.
  const unix = Math.floor(Date.parse(last.at) / 1000);
  const clock = personTime(last.at, options.now, { age: false });
  const when = Number.isFinite(unix) ? `${clock} (<!date^${unix}^{ago}|${toMrkdwn(personTime(last.at, options.now))}>)` : toMrkdwn(last.at);
  const who = last.requestedBy ? ` · asked by ${toMrkdwn(neutraliseControls(last.requestedBy))}` : '';
  const intro: types.KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `Last status, ${when}${who}` }] };
  const room = SLACK_LIMITS.blocksPerView - head.length - foot.length - 1;
  return { type: 'home', blocks: [...head, intro, ...blocksForView(last.message, room, command), ...foot] };
}
