import { MailsetupError } from '../../errors.js';
import type { DnsMissingReason } from './port.js';

/** c-ares codes that mean "no such record" — answers, not failures. */
const MISSING: Record<string, DnsMissingReason> = { ENOTFOUND: 'nxdomain', ENODATA: 'nodata' };

export function missingReason(error: unknown): DnsMissingReason | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? MISSING[code] : undefined;
}

/** A resolver failure as a coded error naming the query and the servers asked. */
export function dnsFailure(error: unknown, question: string, servers: string): MailsetupError {
  const code = String((error as { code?: unknown } | undefined)?.code ?? 'EUNKNOWN');
  const details = { question, dnsServers: servers, dnsError: code };
  const hint = 'Check that the DNS servers in `services.dnsServers` (or the system resolver) are reachable from the bot, then try again.';
  switch (code) {
    case 'ETIMEOUT':
    case 'ECANCELLED':
      return new MailsetupError('AdapterTimeout', `The DNS server (${servers}) did not answer ${question} in time.`, {
        hint,
        source: 'dns',
        details,
        cause: error,
      });
    case 'ESERVFAIL':
      return new MailsetupError('AdapterUnavailable', `The DNS server (${servers}) failed to answer ${question} (SERVFAIL).`, {
        hint: 'The domain’s name servers may be broken or unreachable (a DNSSEC failure gives SERVFAIL too); try again, and check the zone with its provider.',
        source: 'dns',
        details,
        cause: error,
      });
    case 'EBADRESP':
    case 'EFORMERR':
    case 'EBADNAME':
      return new MailsetupError('GarbledResponse', `The DNS server (${servers}) sent an answer to ${question} that is not valid DNS.`, {
        hint,
        source: 'dns',
        details,
        cause: error,
      });
    default:
      return new MailsetupError('AdapterUnavailable', `The DNS server (${servers}) refused or could not answer ${question} (${code}).`, {
        hint,
        source: 'dns',
        details,
        cause: error,
      });
  }
}
