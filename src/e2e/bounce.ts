/** The per-recipient fields of a delivery status notification (RFC 3464) that say why mail bounced. */
export interface DeliveryReport {
  finalRecipient?: string;
  action?: string;
  /** The enhanced status code: `5.4.14`. */
  status?: string;
  /** The server's reply: `smtp; 554 5.4.14 Hop count exceeded - possible mail loop`. */
  diagnosticCode?: string;
  reportingMta?: string;
}

const UNDELIVERABLE = /^(undeliverable|undelivered|delivery status notification|returned mail|mail delivery failed|failure notice)/i;

/** A subject that reads like a bounce (Exchange: "Undeliverable: …"). */
export function looksLikeBounce(subject: string | null): boolean {
  return UNDELIVERABLE.test(subject ?? '');
}

/**
 * Reads a bounce's `message/delivery-status` part. mailparser hands that part over as an attachment
 * or, being text, appends it to `text`; the fields are read from whichever holds them. Undefined
 * when the mail carries no delivery status (a plain-text bounce).
 */
export async function readDeliveryReport(source: Buffer | string): Promise<DeliveryReport | undefined> {
  // Loaded on first use: the CLI's start-up does not pay for the MIME parser.
  const { simpleParser } = await import('mailparser');
  const mail = await simpleParser(source);
  const part = mail.attachments.find((a) => a.contentType.toLowerCase() === 'message/delivery-status');
  const fields = statusFields(part ? part.content.toString('utf8') : (mail.text ?? ''));
  if (!fields.get('status') && !fields.get('diagnostic-code')) return undefined;
  const value = (name: string) => fields.get(name);
  const report: DeliveryReport = {};
  const set = (key: keyof DeliveryReport, name: string) => {
    const v = value(name);
    if (v) report[key] = v;
  };
  set('finalRecipient', 'final-recipient');
  set('action', 'action');
  set('status', 'status');
  set('diagnosticCode', 'diagnostic-code');
  set('reportingMta', 'reporting-mta');
  return report;
}

/** `Name: value` fields (folded lines joined); the first of each name wins (the first recipient). */
function statusFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const match = /^([A-Za-z][A-Za-z-]*):\s*(.*)$/.exec(line);
    if (match && !fields.has(match[1]!.toLowerCase())) fields.set(match[1]!.toLowerCase(), match[2]!.trim());
  }
  return fields;
}
