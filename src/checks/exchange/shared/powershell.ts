/**
 * A value quoted for display in a suggested cmdlet (`'It''s'`). These strings are only shown to
 * the admin; the bot itself never builds commands from text.
 */
export function psQuote(value: string): string {
  return `'${value.replace(/['‘’‚‛]/g, "''")}'`;
}

/** A list for a multi-valued parameter: `'a','b'`. */
export function psList(values: readonly string[]): string {
  return values.map(psQuote).join(',');
}
