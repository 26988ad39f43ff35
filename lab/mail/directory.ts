import ipaddr from 'ipaddr.js';
import type { AcceptedDomain, InboundConnector, MicrosoftState } from '../microsoft/state.js';

/**
 * What Exchange Online's transport knows about the tenant, read live from the Microsoft lab state
 * (so a scenario or an applied fix changes mail flow at once).
 */
type Exchange = MicrosoftState['exchange'];
type ExchangeMailbox = Exchange['mailboxes'][number];

export const domainOf = (address: string): string => address.slice(address.lastIndexOf('@') + 1).toLowerCase();

export function acceptedDomainOf(exchange: Exchange, address: string): AcceptedDomain | undefined {
  const domain = domainOf(address);
  return exchange.acceptedDomains.find((d) => {
    const name = d.DomainName.toLowerCase();
    return name === domain || (d.MatchSubDomains && domain.endsWith(`.${name}`));
  });
}

/** In the organization: an address in an accepted domain (Authoritative or InternalRelay). */
export const isInOrganization = (exchange: Exchange, address: string): boolean => acceptedDomainOf(exchange, address) !== undefined;

/** The enabled mailbox whose primary address is `address`. */
export function findExchangeMailbox(exchange: Exchange, address: string): ExchangeMailbox | undefined {
  const wanted = address.toLowerCase();
  return exchange.mailboxes.find((m) => m.PrimarySmtpAddress.toLowerCase() === wanted && m.IsMailboxEnabled);
}

export function mailboxAddress(exchange: Exchange, address: string): string | undefined {
  return findExchangeMailbox(exchange, address)?.PrimarySmtpAddress;
}

/** A group by Identity, Name, DisplayName or address (rules name groups any of these ways). */
export function findGroup(exchange: Exchange, identity: string) {
  const wanted = identity.toLowerCase();
  return exchange.dynamicGroups.find((g) =>
    [g.Identity, g.Name, g.DisplayName, g.PrimarySmtpAddress].some((v) => v.toLowerCase() === wanted),
  );
}

/** Resolves a rule's recipient reference (an address, or a mailbox's Identity/Name) to an address. */
export function resolveRecipient(exchange: Exchange, reference: string): string {
  if (reference.includes('@')) return reference.toLowerCase();
  const wanted = reference.toLowerCase();
  const mailbox = exchange.mailboxes.find((m) => [m.Identity, m.Name, m.DisplayName].some((v) => v.toLowerCase() === wanted));
  return (mailbox?.PrimarySmtpAddress ?? reference).toLowerCase();
}

/** A recipient Exchange knows: a mailbox or a group address (what DBEB lets through on Authoritative). */
export function isKnownRecipient(exchange: Exchange, address: string): boolean {
  const wanted = address.toLowerCase();
  return (
    mailboxAddress(exchange, wanted) !== undefined || exchange.dynamicGroups.some((g) => g.PrimarySmtpAddress.toLowerCase() === wanted)
  );
}

/** `SenderIPAddresses` entries are single IPs, CIDR ranges or `a-b` ranges. */
export function ipMatches(entry: string, ip: string): boolean {
  if (!ipaddr.isValid(ip)) return false;
  const address = ipaddr.process(ip);
  const text = entry.trim();
  try {
    if (text.includes('/')) {
      const [range, bits] = ipaddr.parseCIDR(text);
      return address.kind() === range.kind() && address.match(range, bits);
    }
    if (text.includes('-')) {
      const [from, to] = text.split('-').map((part) => ipaddr.process(part.trim()));
      if (!from || !to || from.kind() !== address.kind() || to.kind() !== address.kind()) return false;
      const value = toBigInt(address.toByteArray());
      return value >= toBigInt(from.toByteArray()) && value <= toBigInt(to.toByteArray());
    }
    const single = ipaddr.process(text);
    return single.kind() === address.kind() && single.toNormalizedString() === address.toNormalizedString();
  } catch {
    return false;
  }
}

const toBigInt = (bytes: number[]): bigint => bytes.reduce((acc, b) => (acc << 8n) + BigInt(b), 0n);

/**
 * Enabled inbound connectors that recognise the sender: its IP in `SenderIPAddresses`, or the
 * certificate it presented over TLS matching `TlsSenderCertificateName` — which attributes the mail
 * only when the certificate's domain is an accepted domain (or below one), as since MC1226222.
 */
export function matchingConnectors(exchange: Exchange, senderIp: string, certificateName?: string): InboundConnector[] {
  return exchange.inboundConnectors.filter(
    (c) =>
      c.Enabled &&
      (c.SenderIPAddresses.some((entry) => ipMatches(entry, senderIp)) ||
        (certificateName !== undefined && certificateMatches(exchange, c.TlsSenderCertificateName, certificateName))),
  );
}

function certificateMatches(exchange: Exchange, wanted: string | null, presented: string): boolean {
  if (!wanted) return false;
  const name = presented.toLowerCase();
  const pattern = wanted.toLowerCase();
  const matches = pattern.startsWith('*.')
    ? name.endsWith(pattern.slice(1)) && !name.slice(0, -pattern.length + 1).includes('.')
    : name === pattern;
  const domain = pattern.startsWith('*.') ? pattern.slice(2) : name;
  return (
    matches &&
    exchange.acceptedDomains.some((d) => domain === d.DomainName.toLowerCase() || domain.endsWith(`.${d.DomainName.toLowerCase()}`))
  );
}
