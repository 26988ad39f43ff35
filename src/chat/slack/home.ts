import type { types } from '@slack/bolt';
import { blocksForView, SLACK_LIMITS, toMrkdwn } from '../../render/blocks.js';
import type { LastStatus } from '../../store/store.js';

export interface HomeView {
  type: 'home';
  blocks: types.KnownBlock[];
}

/** The App Home tab: the last status (when there is one) and how to ask for a new one. */
export function homeView(last: LastStatus | undefined, command = '/mailsetup'): HomeView {
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
            text: `No status yet. Run \`${command} status\` in a channel (or here in Messages) to check the whole setup.`,
          },
        },
        ...foot,
      ],
    };
  }
  const unix = Math.floor(Date.parse(last.at) / 1000);
  const when = Number.isFinite(unix) ? `<!date^${unix}^{date_short_pretty} at {time}|${last.at}>` : toMrkdwn(last.at);
  const who = last.requestedBy ? ` · asked by ${toMrkdwn(last.requestedBy)}` : '';
  const intro: types.KnownBlock = { type: 'context', elements: [{ type: 'mrkdwn', text: `Last status, ${when}${who}` }] };
  const room = SLACK_LIMITS.blocksPerView - head.length - foot.length - 1;
  return { type: 'home', blocks: [...head, intro, ...blocksForView(last.message, room), ...foot] };
}
