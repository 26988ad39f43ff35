import { findCheck, readExplain } from '../checks/registry.js';
import { MailsetupError } from '../errors.js';
import type { CommandSpec } from './context.js';
import { usageError } from './parse.js';

export const explainCommand: CommandSpec = {
  verb: 'explain',
  summary: 'What a step is for, how to do it by hand, and how to verify it.',
  usage: 'explain <id>',
  examples: ['explain exchange-catchall-rule', 'explain erp-incoming-server'],
  async run(args, ctx) {
    const [id, ...extra] = args;
    if (!id || extra.length > 0) throw usageError('`explain` takes exactly one check id.', this.usage);
    const check = findCheck(id.toLowerCase(), ctx.core.catalogue);
    if (!check) {
      const close = ctx.core.catalogue.filter((c) => c.meta.id.includes(id.toLowerCase())).map((c) => c.meta.id);
      throw new MailsetupError('UsageError', `There is no check called "${id.slice(0, 60)}".`, {
        hint: close.length ? `Did you mean ${close.slice(0, 3).join(', ')}?` : 'Type `help` to see the checks.',
      });
    }
    const { markdown } = await readExplain(check);
    const meta = check.meta;
    return {
      summary: `${meta.title} (${meta.id})`,
      tone: 'info',
      blocks: [
        { type: 'heading', text: `${meta.title} — ${meta.id}` },
        {
          type: 'fields',
          fields: [
            { label: 'Area', value: meta.area },
            { label: 'Severity', value: meta.severity },
            { label: 'Depends on', value: meta.dependsOn.length ? meta.dependsOn.join(', ') : 'nothing' },
            { label: 'Watched', value: meta.watched ? 'yes' : 'no' },
          ],
        },
        ...markdownBlocks(markdown),
      ],
    };
  },
};

/** `## Heading` lines become headings; paragraphs stay text (the renderers handle *bold* / `code`). */
function markdownBlocks(markdown: string) {
  const blocks: ({ type: 'heading'; text: string } | { type: 'text'; text: string })[] = [];
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'text', text: paragraph.join('\n').replace(/\*\*/g, '*') });
    paragraph = [];
  };
  for (const line of markdown.split('\n')) {
    if (/^#{1,3}\s/.test(line)) {
      flush();
      if (!/^#\s/.test(line)) blocks.push({ type: 'heading', text: line.replace(/^#+\s*/, '') });
    } else if (line.trim() === '') flush();
    else paragraph.push(line);
  }
  flush();
  return blocks;
}
