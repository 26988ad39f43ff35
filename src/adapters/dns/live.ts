import { Resolver } from 'node:dns/promises';
import { MailsetupError } from '../../errors.js';
import type { AdapterFactoryOptions } from '../options.js';
import { dnsFailure, missingReason } from './errors.js';
import type { DnsAnswer, DnsPort, MxRecord } from './port.js';

export interface DnsAdapterOptions {
  /** `1.1.1.1`, `127.0.0.1:5353`, `[2001:db8::1]:53`; the system resolver when empty. */
  servers: readonly string[];
  /** Deadline of one query, ms. */
  timeoutMs: number;
}

/** The live DNS adapter: `node:dns/promises` against the configured servers. */
export function createDnsAdapter(options: AdapterFactoryOptions): DnsPort {
  // Leave the run's fetch timeout room to report a DNS-specific sentence first.
  const timeoutMs = Math.max(200, Math.floor(options.timeouts.fetchMs * 0.8));
  return createResolverDns({ servers: options.services.dnsServers, timeoutMs });
}

export function createResolverDns(options: DnsAdapterOptions): DnsPort {
  // Validate once, so a bad entry is a config error at start, not a failure per query.
  newResolver(options);
  const serversLabel = options.servers.length > 0 ? options.servers.join(', ') : 'system resolver';

  async function query<T>(question: string, ask: (r: Resolver) => Promise<T[]>): Promise<DnsAnswer<T>> {
    // A fresh resolver per query: c-ares caches answers per channel (up to their TTL), and a
    // watcher must see a changed record on its next run.
    const resolver = newResolver(options);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        resolver.cancel();
        reject(Object.assign(new Error('DNS query timed out'), { code: 'ETIMEOUT' }));
      }, options.timeoutMs);
    });
    try {
      const records = await Promise.race([ask(resolver), deadline]);
      return records.length > 0 ? { found: true, records } : { found: false, reason: 'nodata' };
    } catch (error) {
      const reason = missingReason(error);
      if (reason) return { found: false, reason };
      throw dnsFailure(error, question, serversLabel);
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    async mx(domain) {
      const answer = await query(`MX ${domain}`, (r) => r.resolveMx(domain));
      if (!answer.found) return answer;
      const records: MxRecord[] = answer.records
        .map((m) => ({ exchange: normalizeName(m.exchange), priority: m.priority }))
        .sort((a, b) => a.priority - b.priority || a.exchange.localeCompare(b.exchange));
      return { found: true, records };
    },
    async txt(name) {
      const answer = await query(`TXT ${name}`, (r) => r.resolveTxt(name));
      if (!answer.found) return answer;
      return { found: true, records: answer.records.map((chunks) => chunks.join('')) };
    },
    async cname(name) {
      const answer = await query(`CNAME ${name}`, (r) => r.resolveCname(name));
      if (!answer.found) return answer;
      return { found: true, records: answer.records.map(normalizeName) };
    },
  };
}

function newResolver(options: DnsAdapterOptions): Resolver {
  const resolver = new Resolver({ timeout: Math.max(100, Math.floor(options.timeoutMs / 2)), tries: 2 });
  if (options.servers.length > 0) {
    try {
      resolver.setServers([...options.servers]);
    } catch (error) {
      throw new MailsetupError(
        'ConfigInvalid',
        `services.dnsServers has an entry that is not a DNS server address (${options.servers.join(', ')}).`,
        {
          hint: 'Use IP addresses with an optional port, e.g. `1.1.1.1` or `127.0.0.1:5353`.',
          source: 'dns',
          cause: error,
        },
      );
    }
  }
  return resolver;
}

export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/\.$/, '');
}
