import type { CmdletResult } from './cmdlets.js';

/** The error answer of a cmdlet, in the shape the admin endpoint wraps (`Ex…|<exception>|<text>`). */
export function fail(status: number, code: string, exception: string, text: string): CmdletResult {
  return { ok: false, error: { status, code, exception, text } };
}

/** Exchange's answer for an identity that matches nothing, as the real service words it. */
export function notFound(identity: unknown): CmdletResult {
  return fail(
    404,
    'NotFound',
    'Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException',
    `The operation couldn't be performed because object '${String(identity)}' couldn't be found on 'AM0PR01A001DC01.EURPR01A001.PROD.OUTLOOK.COM'.`,
  );
}

/** Exchange compares names and identities without regard to case. */
export function same(a: unknown, b: unknown): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.toLowerCase() === b.toLowerCase();
}
