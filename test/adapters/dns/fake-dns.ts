import type { DnsAnswer, DnsPort, MxRecord } from '../../../src/adapters/dns/port.js';

/** An in-memory DnsPort for unit tests: names → TXT/MX/CNAME; absent names are NXDOMAIN. */
export interface FakeZone {
  txt?: Record<string, string[]>;
  mx?: Record<string, MxRecord[]>;
  cname?: Record<string, string>;
}

export function fakeDns(zone: FakeZone): DnsPort & { queries: string[] } {
  const queries: string[] = [];
  const exists = (name: string) => name in (zone.txt ?? {}) || name in (zone.mx ?? {}) || name in (zone.cname ?? {});
  function answer<T>(name: string, records: T[] | undefined): DnsAnswer<T> {
    if (records && records.length > 0) return { found: true, records };
    return { found: false, reason: exists(name) ? 'nodata' : 'nxdomain' };
  }
  return {
    queries,
    async mx(domain) {
      queries.push(`MX ${domain}`);
      return answer(domain, zone.mx?.[domain]);
    },
    async txt(name) {
      queries.push(`TXT ${name}`);
      const target = zone.cname?.[name];
      return answer(name, zone.txt?.[target ?? name]);
    },
    async cname(name) {
      queries.push(`CNAME ${name}`);
      const target = zone.cname?.[name];
      return answer(name, target ? [target] : undefined);
    },
  };
}
