import ipaddr from 'ipaddr.js';
import { isCovered, parseIpRange } from '../checks/exchange/shared/ip-ranges.js';

/**
 * The IP Exchange Online saw the sender connect from, read from `Received:` headers (newest first,
 * as they appear). Exchange Online stamps several: its front end (`by *.mail.protection.outlook.com
 * … via Frontend Transport`) names the sender, and Microsoft-internal hops (IPv6, `*.prod.outlook.com`)
 * and the mailbox stack sit above it. So the chain is read from the oldest hop up, and the hop taken
 * is the first one a Microsoft host received from a host outside Microsoft; without such a hop,
 * the first one a Microsoft host received, else the oldest hop that names an IP.
 */
export function senderIpFromReceived(received: readonly string[]): { ip: string; header: string } | undefined {
  const oldestFirst = received
    .map((header) => ({ header, by: byHost(header), from: fromHost(header), ip: fromIp(header) }))
    .filter((h) => h.ip !== undefined)
    .reverse();
  const byMicrosoft = oldestFirst.filter((h) => h.by !== undefined && isMicrosoftHost(h.by));
  const chosen = byMicrosoft.find((h) => !(h.from && isMicrosoftHost(h.from))) ?? byMicrosoft[0] ?? oldestFirst[0];
  return chosen ? { ip: chosen.ip!, header: chosen.header } : undefined;
}

/** Exchange Online's own hosts: front ends, hub and mailbox servers, outbound relays. */
function isMicrosoftHost(host: string): boolean {
  return /(^|\.)(outlook\.com|office365\.com|outlook\.office\.com)$/i.test(host.replace(/\.$/, ''));
}

function fromHost(header: string): string | undefined {
  return /\bfrom\s+([^\s;()]+)/i.exec(header)?.[1];
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

/**
 * The entry of `entries` (single IPs, CIDR blocks, Exchange `a-b` ranges) that admits `ip`, if any.
 * Same parser as the connector checks, so this hop and `exchange-connector-ips` cannot disagree.
 */
export function ipInList(ip: string, entries: readonly string[]): string | undefined {
  const address = parseIpRange(ip);
  if (!address || address.start !== address.end) return undefined;
  return entries.find((entry) => {
    const range = parseIpRange(entry);
    return range !== undefined && isCovered(address, [range]);
  });
}
