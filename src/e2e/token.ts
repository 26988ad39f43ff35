import { randomBytes } from 'node:crypto';

/** The header every test mail carries, with its token. */
export const TEST_HEADER = 'X-Mailsetup-Test';

export function newToken(): string {
  return `ms${randomBytes(6).toString('hex')}`;
}

/** `[mailsetup-test <token>]`: marks the mail in subjects, leads and notices. */
export function testSubject(token: string): string {
  return `[mailsetup-test ${token}]`;
}

/** A Message-ID under the sender's domain, with angle brackets (as `mail.message.message_id` stores it). */
export function testMessageId(token: string, senderAddress: string): string {
  const domain = senderAddress.split('@')[1] ?? 'mailsetup.invalid';
  return `<mailsetup-test.${token}@${domain}>`;
}
