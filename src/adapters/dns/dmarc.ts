/** DMARC records (RFC 7489) at `_dmarc.<domain>`. */

export function dmarcName(domain: string): string {
  return `_dmarc.${domain}`;
}

export function isDmarcRecord(txt: string): boolean {
  return /^v\s*=\s*DMARC1\s*(;|$)/.test(txt.trim());
}

/** Tags of a DMARC record, names lower-case: `{ v: 'DMARC1', p: 'quarantine', rua: 'mailto:…' }`. */
export function parseDmarc(record: string): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const part of record.split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim().toLowerCase();
    if (name && !(name in tags)) tags[name] = part.slice(eq + 1).trim();
  }
  return tags;
}
