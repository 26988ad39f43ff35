import { AREAS } from '../engine/result.js';
import { botCommand } from '../render/message.js';
import type { CommandSpec } from './context.js';

/** Verbs of DESIGN §2 that later versions add; help names them once, so nobody wonders where they are. */
export const PLANNED_VERBS: Record<string, string> = {};

function planned(): string {
  const verbs = Object.keys(PLANNED_VERBS);
  return verbs.length > 0 ? `\nNot built yet: ${verbs.join(', ')}.` : '';
}

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
          summary: `${botCommand(one.usage)} — ${one.summary}`,
          tone: 'info',
          blocks: [
            {
              type: 'fields',
              fields: [
                { label: 'Usage', value: botCommand(one.usage) },
                ...one.examples.map((e) => ({ label: 'Example', value: botCommand(e) })),
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
            fields: all.map((v) => ({
              label: botCommand(v.usage),
              value: `${v.summary} Example: ${botCommand(v.examples[0] ?? v.verb)}`,
            })),
          },
          {
            type: 'text',
            text: `Areas for \`check\`: ${AREAS.join(', ')}.${planned()}`,
          },
        ],
      };
    },
  };
}
