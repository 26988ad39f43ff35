import ipaddr from 'ipaddr.js';

/** An address range in either family: a single IP, a CIDR block or an Exchange `a-b` range. */
export interface IpRange {
  family: 'ipv4' | 'ipv6';
  start: bigint;
  end: bigint;
  /** As written in the config or the connector. */
  text: string;
}

/**
 * Parses what `SenderIPAddresses` and the config hold: `203.0.113.10`, `203.0.113.0/28`,
 * `203.0.113.1-203.0.113.20`, IPv6 likewise. Undefined when it is none of these.
 */
export function parseIpRange(text: string): IpRange | undefined {
  const value = text.trim();
  try {
    if (value.includes('/')) {
      const [address, bits] = ipaddr.parseCIDR(value);
      const plain = ipaddr.process(address.toString());
      const family = plain.kind();
      const width = family === 'ipv4' ? 32 : 128;
      const prefix = family === 'ipv4' && address.kind() === 'ipv6' ? bits - 96 : bits;
      const hostBits = BigInt(width - prefix);
      const start = (toBigInt(plain) >> hostBits) << hostBits;
      return { family, start, end: start + (1n << hostBits) - 1n, text: value };
    }
    if (value.includes('-')) {
      const [from, to] = value.split('-').map((part) => ipaddr.process(part.trim()));
      if (!from || !to || from.kind() !== to.kind()) return undefined;
      const [a, b] = [toBigInt(from), toBigInt(to)];
      const [start, end] = a <= b ? [a, b] : [b, a];
      return { family: from.kind(), start, end, text: value };
    }
    const address = ipaddr.process(value);
    const n = toBigInt(address);
    return { family: address.kind(), start: n, end: n, text: value };
  } catch {
    return undefined;
  }
}

function toBigInt(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
}

/** True when every address of `target` lies in the union of `ranges`. */
export function isCovered(target: IpRange, ranges: readonly IpRange[]): boolean {
  const sorted = ranges.filter((r) => r.family === target.family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let next = target.start;
  for (const range of sorted) {
    if (range.start > next) break;
    if (range.end >= next) next = range.end + 1n;
    if (next > target.end) return true;
  }
  return next > target.end;
}

export function addressCount(range: IpRange): bigint {
  return range.end - range.start + 1n;
}

/** How many addresses of `target` lie in the union of `ranges` (same family only). */
export function overlapCount(target: IpRange, ranges: readonly IpRange[]): bigint {
  const sorted = ranges.filter((r) => r.family === target.family).sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
  let count = 0n;
  let next = target.start;
  for (const range of sorted) {
    const start = bigMax(range.start, next);
    const end = bigMin(range.end, target.end);
    if (start <= end) {
      count += end - start + 1n;
      next = end + 1n;
    }
    if (next > target.end) break;
  }
  return count;
}

// Math.max/min do not take bigints.
const bigMax = (a: bigint, b: bigint): bigint => (a > b ? a : b);
const bigMin = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** Parses a list, separating what is not an address. */
export function parseAll(texts: readonly string[]): { ranges: IpRange[]; invalid: string[] } {
  const ranges: IpRange[] = [];
  const invalid: string[] = [];
  for (const text of texts) {
    const range = parseIpRange(text);
    if (range) ranges.push(range);
    else invalid.push(text);
  }
  return { ranges, invalid };
}
