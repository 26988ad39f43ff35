import type { TenantConfig } from '../config/schema.js';
import type { MessageBlock } from '../render/message.js';

/**
 * An explain file as message blocks: `##` headings; paragraphs and list items reflowed into one
 * line each (the file's own wrapping is for the editor, not the reader); code fences kept as code.
 * The `#` title is left out: the reply names the check once itself.
 */
export function explainBlocks(markdown: string): MessageBlock[] {
  const blocks: MessageBlock[] = [];
  let paragraph: string[] = [];
  let items: string[] = [];
  let code: string[] | undefined;
  const flush = () => {
    if (paragraph.length) blocks.push({ type: 'text', text: inline(paragraph.join(' ')) });
    if (items.length) blocks.push({ type: 'text', text: items.map(inline).join('\n') });
    paragraph = [];
    items = [];
  };
  for (const raw of markdown.split('\n')) {
    if (code) {
      if (/^\s*```/.test(raw)) {
        blocks.push({ type: 'code', text: code.join('\n') });
        code = undefined;
      } else code.push(raw);
      continue;
    }
    const line = raw.trim();
    if (/^```/.test(line)) {
      flush();
      code = [];
    } else if (/^#{1,6}\s/.test(line)) {
      flush();
      if (!/^#\s/.test(line)) blocks.push({ type: 'heading', text: line.replace(/^#+\s*/, '') });
    } else if (line === '') flush();
    else if (/^([-*]|\d+[.)])\s/.test(line)) {
      if (paragraph.length) {
        blocks.push({ type: 'text', text: inline(paragraph.join(' ')) });
        paragraph = [];
      }
      items.push(line.replace(/^[*]\s/, '- '));
    } else if (items.length) items[items.length - 1] += ` ${line}`;
    else paragraph.push(line);
  }
  flush();
  if (code) blocks.push({ type: 'code', text: code.join('\n') });
  return blocks;
}

/** Markdown's `**bold**` as the neutral `*bold*`. */
function inline(text: string): string {
  return text.replace(/\*\*([^*]+)\*\*/g, '*$1*');
}

/**
 * The explain text with the tenant's own values in place of the file's placeholders and default
 * names: `erp@<domain>` → the catch-all mailbox, `<domain>` → the domain, `Catchall for Twenty20` →
 * the configured rule name, and so on.
 */
export function fillTenantValues(markdown: string, tenant: TenantConfig): string {
  const dashed = tenant.domain.replace(/\./g, '-');
  const pairs: [string | RegExp, string][] = [
    ['erp@<domain>', tenant.catchallMailbox],
    ['sales@<domain>', `${tenant.erp.salesAlias}@${tenant.domain}`],
    [/<(your-)?domain-with-dashes>/g, dashed],
    [/<(your )?domain>/g, tenant.domain],
    ['<dynamic group>', tenant.dynamicGroup],
    ['<erp url>', tenant.erp.publicUrl.replace(/\/$/, '')],
    ['Catchall for Twenty20', tenant.transportRule],
    [/\bDynamicAllUsers\b/g, tenant.dynamicGroup],
  ];
  if (tenant.microsoft) pairs.push(['<application id>', tenant.microsoft.clientId]);
  let text = markdown;
  for (const [from, to] of pairs) text = typeof from === 'string' ? text.split(from).join(to) : text.replace(from, to);
  return text;
}
