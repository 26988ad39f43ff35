import type { Recipient, TransportRule } from './types.js';

/**
 * Recipient identities resolved through Get-Recipient. Rule properties hold a recipient as Exchange
 * stores it (display name, alias, Name, sometimes the SMTP address), so checks compare what an
 * identity resolves to, never its spelling. Keys are the identities as written, trimmed and
 * lower-cased (Exchange matches identities case-insensitively); `null` means no recipient has it.
 */
export type RecipientDirectory = Readonly<Record<string, Recipient | null>>;

export const identityKey = (identity: string): string => identity.trim().toLowerCase();

/** The recipient an identity names: undefined when it was not looked up, null when none has it. */
export function resolveIdentity(directory: RecipientDirectory, identity: string): Recipient | null | undefined {
  const key = identityKey(identity);
  return Object.hasOwn(directory, key) ? directory[key] : undefined;
}

/** The object id that identifies a recipient: its Entra id, or Exchange's Guid for Exchange-only objects. */
export function recipientId(recipient: Recipient): string | null {
  return recipient.ExternalDirectoryObjectId || recipient.Guid || null;
}

/** Whether two resolved recipients are the same object (by object id, else by primary SMTP address). */
export function sameRecipient(a: Recipient, b: Recipient): boolean {
  const [idA, idB] = [recipientId(a), recipientId(b)];
  if (idA && idB) return idA.toLowerCase() === idB.toLowerCase();
  return !!a.PrimarySmtpAddress && !!b.PrimarySmtpAddress && a.PrimarySmtpAddress.toLowerCase() === b.PrimarySmtpAddress.toLowerCase();
}

/** "ERP Notification (erp@contoso.com)", or just the address when that is how the rule names it. */
export function describeRecipient(identity: string, recipient: Recipient | null | undefined): string {
  const address = recipient?.PrimarySmtpAddress;
  return address && identityKey(address) !== identityKey(identity) ? `${identity} (${address})` : identity;
}

/** The recipient identities a transport rule's compared properties hold (targets and exception groups). */
export function ruleRecipientIdentities(rule: TransportRule): string[] {
  return [...rule.RedirectMessageTo, ...rule.ExceptIfSentToMemberOf];
}

/** Distinct identities (case-insensitively), first spelling kept, blanks dropped. */
export function distinctIdentities(identities: readonly string[]): string[] {
  const seen = new Map<string, string>();
  for (const identity of identities) {
    const key = identityKey(identity);
    if (key !== '' && !seen.has(key)) seen.set(key, identity.trim());
  }
  return [...seen.values()];
}
