/** One thing doctor looked at: what, how it went, a sentence, and what to do when it is not ok. */
export interface Finding {
  /** What was checked: `config`, `store`, `tls:graph`, `roles:graph`, `slack:scopes`, … */
  id: string;
  title: string;
  status: 'ok' | 'warn' | 'fail';
  sentence: string;
  fix?: string;
}

export function ok(id: string, title: string, sentence: string): Finding {
  return { id, title, status: 'ok', sentence };
}

export function fail(id: string, title: string, sentence: string, fix: string): Finding {
  return { id, title, status: 'fail', sentence, fix };
}

export function warn(id: string, title: string, sentence: string, fix: string): Finding {
  return { id, title, status: 'warn', sentence, fix };
}

const MARK: Record<Finding['status'], string> = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };

/** Text for a terminal: one line per finding, the fix indented under it. */
export function renderFindings(findings: readonly Finding[]): string {
  const lines = findings.flatMap((f) => [`${MARK[f.status]}  ${f.title}: ${f.sentence}`, ...(f.fix ? [`      → ${f.fix}`] : [])]);
  const failing = findings.filter((f) => f.status === 'fail').length;
  const warnings = findings.filter((f) => f.status === 'warn').length;
  const summary =
    failing === 0 && warnings === 0
      ? `All ${findings.length} checks passed.`
      : `${failing} failing, ${warnings} warning${warnings === 1 ? '' : 's'}, ${findings.length - failing - warnings} ok.`;
  return `${lines.join('\n')}\n\n${summary}\n`;
}
