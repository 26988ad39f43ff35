import ipaddr from 'ipaddr.js';

/**
 * Why `value` is not an IP address (or, with `cidr`, a CIDR range), in words a person can act on:
 * `203.0.113.300 is not an IPv4 address: 300 is above 255`. Undefined when it is one.
 */
export function ipProblem(value: string, options: { cidr?: boolean } = {}): string | undefined {
  const slash = value.indexOf('/');
  if (slash >= 0 && !options.cidr) return `${value} is not an IP address: a range (/prefix) is not allowed here`;
  const address = slash >= 0 ? value.slice(0, slash) : value;
  const prefix = slash >= 0 ? value.slice(slash + 1) : undefined;
  const family = address.includes(':') ? 6 : 4;
  const problem = family === 4 ? ipv4Problem(address) : ipv6Problem(address);
  if (problem) return `${value} is not an IPv${family} ${prefix === undefined ? 'address' : 'range'}: ${problem}`;
  if (prefix === undefined) return undefined;
  const max = family === 4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(prefix) || Number(prefix) > max) {
    return `${value} is not an IPv${family} range: the prefix after / must be a number from 0 to ${max}`;
  }
  return undefined;
}

function ipv4Problem(address: string): string | undefined {
  if (ipaddr.IPv4.isValidFourPartDecimal(address)) return undefined;
  const parts = address.split('.');
  if (parts.length !== 4) return `it has ${parts.length} part${parts.length === 1 ? '' : 's'}, an IPv4 address has 4 (e.g. 203.0.113.10)`;
  for (const part of parts) {
    if (!/^\d+$/.test(part)) return part === '' ? 'one part is empty' : `"${part}" is not a number`;
    if (Number(part) > 255) return `${part} is above 255`;
    if (part.length > 1 && part.startsWith('0')) return `${part} has a leading zero`;
  }
  return 'it is not four numbers from 0 to 255';
}

function ipv6Problem(address: string): string | undefined {
  if (ipaddr.IPv6.isValid(address)) return undefined;
  if ((address.match(/::/g) ?? []).length > 1) return ':: may appear only once';
  const bad = address.split(':').find((group) => group !== '' && !/^[0-9a-f]{1,4}$/i.test(group) && !group.includes('.'));
  if (bad) return `"${bad}" is not a group of 1 to 4 hex digits`;
  return 'it is not eight groups of hex digits (e.g. 2001:db8::10)';
}
