import type { Socket } from 'node:net';
import dns2 from 'dns2';
import { recordAndTakeFault, sleep } from '../faults.js';
import type { LabServiceStarter } from '../service.js';
import type { LabState } from '../state.js';
import { type LabTenants, labTenantsOf } from '../tenants.js';
import type { DnsRecord, DnsRecordType } from './state.js';

const { Packet } = dns2;
type Packet = InstanceType<typeof Packet>;
type Resource = Packet['answers'][number];

const TYPE_NAMES = new Map<number, string>(Object.entries(Packet.TYPE).map(([name, code]) => [code as number, name]));
const TTL = 3600;
/** RFC 1035 §4.1.1 (dns2 has them at runtime, its typings do not). */
const RCODE = { FORMERR: 1, NXDOMAIN: 3 } as const;
/** Chains longer than this are a misconfigured zone; real resolvers give up too. */
const MAX_CNAME_CHAIN = 8;

/**
 * The lab's DNS server (UDP and TCP, loopback, a free port), answering from `state.dns` as a recursive
 * resolver would: CNAMEs followed within the data, NXDOMAIN for names that do not exist, NOERROR
 * with no answers for names that exist without the asked type. Sets `services.dnsServers`.
 */
export const startDnsLab: LabServiceStarter = async (lab, config) => {
  const tenants = labTenantsOf(lab);
  const handle: DnsHandler = (request, send) => {
    void answer(tenants, request)
      .then(async (response) => {
        // The UDP send returns a promise, the TCP one writes synchronously; a client gone is not our error.
        if (response) await Promise.resolve(send(response)).catch(() => {});
      })
      .catch(() => {});
  };
  const { udp, tcp, port } = await listenUdpAndTcp(handle);
  const connections = new Set<Socket>();
  tcp.on('connection', (socket: Socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
  });
  config.services.dnsServers = [`127.0.0.1:${port}`];
  return {
    name: 'dns',
    stop: async () => {
      for (const socket of connections) socket.destroy();
      await Promise.all([
        new Promise<void>((resolve) => udp.close(() => resolve())),
        new Promise<void>((resolve) => tcp.close(() => resolve())),
      ]);
    },
  };
};

type DnsHandler = NonNullable<Parameters<typeof dns2.createTCPServer>[0]>;

/**
 * UDP and TCP on the same port, as a real server: resolvers retry over TCP when an answer does
 * not fit in 512 bytes (long SPF records, DKIM keys).
 */
async function listenUdpAndTcp(handle: DnsHandler) {
  for (let attempt = 0; ; attempt++) {
    const udp = dns2.createUDPServer(handle);
    await udp.listen(0, '127.0.0.1');
    const port = udp.address().port;
    const tcp = dns2.createTCPServer(handle);
    const listening = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, '127.0.0.1');
      tcp.once('listening', () => resolve(true));
    });
    if (listening) return { udp, tcp, port };
    udp.close();
    if (attempt >= 5) throw new Error('the lab DNS server found no port free for both UDP and TCP');
  }
}

/** Builds the response, or undefined to stay silent (a timeout fault). */
async function answer(tenants: LabTenants, request: Packet): Promise<Packet | Buffer | undefined> {
  const question = request.questions[0];
  const response = Packet.createResponseFromRequest(request);
  response.header.ra = 1;
  if (!question) {
    response.header.rcode = RCODE.FORMERR;
    return response;
  }
  const name = question.name.toLowerCase().replace(/\.$/, '');
  const type = TYPE_NAMES.get(question.type) ?? String(question.type);
  const key = `${type} ${name}`;
  const state = zoneOf(tenants, name);
  const fault = recordAndTakeFault(state, 'dns', key);
  if (fault?.kind === 'timeout' || fault?.kind === 'close') return undefined; // UDP: a lost answer
  if (fault?.kind === 'latency') await sleep(fault.ms);
  if (fault?.kind === 'status') {
    // For DNS a "status" is the RCODE: 2 SERVFAIL, 3 NXDOMAIN, 5 REFUSED.
    response.header.rcode = fault.status;
    return response;
  }

  const records = state.dns.records;
  let current = name;
  for (let hop = 0; hop <= MAX_CNAME_CHAIN; hop++) {
    const here = records[current];
    if (!here) {
      // The first name decides NXDOMAIN; a CNAME to a name we do not hold is just the CNAME.
      if (hop === 0 && !isEmptyNonTerminal(records, current)) response.header.rcode = RCODE.NXDOMAIN;
      break;
    }
    const cname = here.find((r) => r.type === 'CNAME');
    if (cname && type !== 'CNAME') {
      response.answers.push(resource(current, cname));
      current = (cname as Extract<DnsRecord, { type: 'CNAME' }>).target;
      continue;
    }
    for (const record of here) if (record.type === (type as DnsRecordType)) response.answers.push(resource(current, record));
    break;
  }
  if (fault?.kind === 'malformed') {
    // A reply with the right id that breaks off mid-record.
    const full = response.toBuffer();
    return full.subarray(0, Math.max(14, full.length - 7));
  }
  return response;
}

/**
 * The tenant whose data answers a name: the one whose domain (or `<name>.onmicrosoft.com`, or MX host)
 * is the name or a suffix of it; names of the outside world (`spf.protection.outlook.com`) are in
 * every tenant's data, so the first answers them.
 */
function zoneOf(tenants: LabTenants, name: string): LabState {
  const labels = name.split('.');
  for (let i = 0; i < labels.length - 1; i++) {
    const found = tenants.byTenantRef(labels.slice(i).join('.'));
    if (found) return found;
  }
  return tenants.first;
}

/** `_domainkey.contoso.test` exists when a name below it does (RFC 8020): NOERROR, not NXDOMAIN. */
function isEmptyNonTerminal(records: Record<string, DnsRecord[]>, name: string): boolean {
  const suffix = `.${name}`;
  return Object.keys(records).some((n) => n.endsWith(suffix));
}

function resource(name: string, record: DnsRecord): Resource {
  const base = { name, class: Packet.CLASS.IN, ttl: TTL };
  switch (record.type) {
    case 'MX':
      return { ...base, type: Packet.TYPE.MX, exchange: record.exchange, priority: record.priority } as Resource;
    case 'TXT':
      // One TXT record is a list of strings of at most 255 bytes each.
      return { ...base, type: Packet.TYPE.TXT, data: chunks(record.data, 255) } as Resource;
    case 'CNAME':
      return { ...base, type: Packet.TYPE.CNAME, domain: record.target } as Resource;
    case 'A':
      return { ...base, type: Packet.TYPE.A, address: record.address } as Resource;
  }
}

function chunks(text: string, size: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length > 0 ? out : [''];
}
