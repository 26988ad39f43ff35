/**
 * The DNS port. A missing record is a fact to check, not an error: lookups answer `found: false`
 * with the reason (NXDOMAIN: the name does not exist; NODATA: the name exists, without that type).
 * Only a resolver that cannot answer (timeout, refused, SERVFAIL, garbled) throws a MailsetupError.
 */
export type DnsAnswer<T> = { found: true; records: T[] } | { found: false; reason: DnsMissingReason };

export type DnsMissingReason = 'nxdomain' | 'nodata';

export interface MxRecord {
  /** The mail host, lower-case, without the trailing dot. */
  exchange: string;
  /** Preference: lower wins. */
  priority: number;
}

export interface DnsPort {
  /** MX records of a domain, lowest preference first. */
  mx(domain: string): Promise<DnsAnswer<MxRecord>>;
  /** TXT records at a name (following a CNAME), each record's strings joined as RFC 7208 §3.3 says. */
  txt(name: string): Promise<DnsAnswer<string>>;
  /** The CNAME target at a name, lower-case, without the trailing dot. */
  cname(name: string): Promise<DnsAnswer<string>>;
}
