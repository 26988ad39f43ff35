import type { CommandSpec } from './context.js';

/** Verbs of DESIGN §2 that later versions add; named in help so nobody wonders where they are. */
export const PLANNED_VERBS: Record<string, string> = {
  fix: 'approval-gated fixes (plan → approve in chat → apply → re-check)',
  watch: 'scheduled checks of the watched steps',
  alerts: 'open alerts, ack and snooze',
  history: 'the audit log of who asked, who approved, what changed',
};

export function helpCommand(verbs: () => readonly CommandSpec[]): CommandSpec {
  return {
    verb: 'help',
    summary: 'The verbs, with examples.',
    usage: 'help [verb]',
    examples: ['help', 'help check'],
    async run(args) {
      const all = verbs();
      const wanted = args[0]?.toLowerCase();
      const one = wanted ? all.find((v) => v.verb === wanted) : undefined;
      if (one) {
        return {
          summary: `\`${one.usage}\` — ${one.summary}`,
          tone: 'info',
          blocks: [
            { type: 'heading', text: one.verb },
            { type: 'text', text: one.summary },
            {
              type: 'fields',
              fields: [
                { label: 'Usage', value: `\`${one.usage}\`` },
                ...one.examples.map((e) => ({ label: 'Example', value: `\`${e}\`` })),
              ],
            },
          ],
        };
      }
      return {
        summary: 'mailsetup checks the Twenty20 ERP ↔ Exchange Online mail setup. Verbs:',
        tone: 'info',
        blocks: [
          {
            type: 'fields',
            fields: all.map((v) => ({ label: `\`${v.usage}\``, value: `${v.summary} e.g. \`${v.examples[0] ?? v.verb}\`` })),
          },
          {
            type: 'text',
            text: `Areas for \`check\`: exchange, entra, dns, erp, mailflow. Coming later: ${Object.entries(PLANNED_VERBS)
              .map(([verb, what]) => `\`${verb}\` (${what})`)
              .join(', ')}.`,
          },
        ],
      };
    },
  };
}
