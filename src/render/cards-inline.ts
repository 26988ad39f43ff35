/**
 * The neutral inline syntax (`*bold*`, `` `code` ``) as runs, for Adaptive Cards. Cards get
 * RichTextBlock/TextRun elements rather than TextBlock markdown: TextRun has a monospace font for
 * code (TextBlock markdown has no code span) and is never parsed as markdown, so an id like
 * `*.mail.protection.outlook.com` or `a_b_c` shows exactly as written.
 */
export interface InlineRun {
  text: string;
  bold?: boolean;
  code?: boolean;
}

export function parseInline(text: string): InlineRun[] {
  const runs: InlineRun[] = [];
  const push = (run: InlineRun) => {
    if (run.text.length === 0) return;
    const last = runs[runs.length - 1];
    if (last && !!last.bold === !!run.bold && !!last.code === !!run.code) last.text += run.text;
    else runs.push(run);
  };
  const re = /`([^`\n]+)`|\*([^*\n]+)\*/g;
  let at = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    push({ text: text.slice(at, m.index) });
    if (m[1] !== undefined) push({ text: m[1], code: true });
    else {
      // Code inside bold stays code (monospace), the rest is bold.
      const inner = m[2] as string;
      const codeRe = /`([^`\n]+)`/g;
      let innerAt = 0;
      for (let c = codeRe.exec(inner); c; c = codeRe.exec(inner)) {
        push({ text: inner.slice(innerAt, c.index), bold: true });
        push({ text: c[1] as string, code: true, bold: true });
        innerAt = c.index + c[0].length;
      }
      push({ text: inner.slice(innerAt), bold: true });
    }
    at = m.index + m[0].length;
  }
  push({ text: text.slice(at) });
  return runs;
}

/** The neutral inline syntax as Adaptive Card markdown (for FactSet titles/values): `**bold**`, code as plain text. */
export function toCardMarkdown(text: string): string {
  return parseInline(text)
    .map((r) => (r.bold ? `**${r.text}**` : r.text))
    .join('');
}
