import ipaddr from 'ipaddr.js';

/**
 * The IP Exchange Online saw the sender connect from, read from `Received:` headers (newest first):
 * the hop received `by` a `*.outlook.com` / `*.protection.outlook.com` front end, else the oldest
 * hop that names an IP.
 */
export function senderIpFromReceived(received: readonly string[]): { ip: string; header: string } | undefined {
  const hops = received.map((header) => ({ header, by: byHost(header), ip: fromIp(header) })).filter((h) => h.ip !== undefined);
  const atExchange = hops.find((h) => h.by !== undefined && /(^|\.)outlook\.com$/i.test(h.by));
  const chosen = atExchange ?? hops.at(-1);
  return chosen ? { ip: chosen.ip!, header: chosen.header } : undefined;
}

function byHost(header: string): string | undefined {
  return /\bby\s+([^\s;()]+)/i.exec(header)?.[1];
}

/** The IP in the `from` clause: `from host (203.0.113.10)`, `from host ([203.0.113.10])`, `from host (name [ip])`. */
function fromIp(header: string): string | undefined {
  const from = /\bfrom\s+(\S+)\s*\(([^)]*)\)/i.exec(header);
  const candidates = [...(from?.[2]?.matchAll(/\[?((?:[0-9]{1,3}\.){3}[0-9]{1,3}|[0-9a-f:]*:[0-9a-f:.]+)\]?/gi) ?? [])].map((m) => m[1]!);
  if (from?.[1]) candidates.push(from[1].replace(/^\[|\]$/g, ''));
  return candidates.find((c) => ipaddr.isValid(c));
}

/** Whether `ip` is in any of the entries (single IPs or CIDR ranges, v4 or v6). */
export function ipInList(ip: string, entries: readonly string[]): string | undefined {
  if (!ipaddr.isValid(ip)) return undefined;
  const address = normalize(ipaddr.parse(ip));
  for (const entry of entries) {
    try {
      if (entry.includes('/')) {
        const [range, bits] = ipaddr.parseCIDR(entry);
        const r = normalize(range);
        if (r.kind() === address.kind() && address.match([r, bits] as [ipaddr.IPv4 | ipaddr.IPv6, number])) return entry;
      } else if (ipaddr.isValid(entry) && normalize(ipaddr.parse(entry)).toString() === address.toString()) return entry;
    } catch {
      // An entry that is not an address or range matches nothing.
    }
  }
  return undefined;
}

function normalize(address: ipaddr.IPv4 | ipaddr.IPv6): ipaddr.IPv4 | ipaddr.IPv6 {
  return address.kind() === 'ipv6' && (address as ipaddr.IPv6).isIPv4MappedAddress() ? (address as ipaddr.IPv6).toIPv4Address() : address;
}
