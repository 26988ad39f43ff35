import type { InboundConnector } from '../../../adapters/exchange/types.js';
import { addressCount, type IpRange, isCovered, overlapCount, parseAll } from './ip-ranges.js';

export function sameText(a: string | null | undefined, b: string | null | undefined): boolean {
  return typeof a === 'string' && typeof b === 'string' && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** Whether the config's name for an Exchange object (a connector, a transport rule) is its Name or Identity. */
export function isNamed(item: { Name: string; Identity: string }, name: string): boolean {
  return sameText(item.Name, name) || sameText(item.Identity, name);
}

/** The connector the config names (by Name or Identity), if it names one. */
export function namedConnector(connectors: readonly InboundConnector[], name: string): InboundConnector | undefined {
  return connectors.find((c) => isNamed(c, name));
}

/**
 * The connectors the ERP's relay can match: the named one when the config names one, otherwise
 * every enabled connector "from your organization's email server" (`OnPremises`).
 */
export function relayConnectors(connectors: readonly InboundConnector[], name: string | undefined): InboundConnector[] {
  const pool = name ? connectors.filter((c) => isNamed(c, name)) : connectors;
  return pool.filter((c) => c.Enabled && c.ConnectorType === 'OnPremises');
}

export interface ExtraRange {
  connector: string;
  entry: string;
  /** How many addresses it admits beyond the configured egress IPs (the whole range when unrelated). */
  addresses: string;
  /** It also admits (some of) the ERP's own addresses: a range to narrow, not to drop. */
  admitsErp: boolean;
}

export interface IpCoverage {
  /** Configured egress IPs/ranges no connector admits. */
  missing: string[];
  /** Connector entries the config does not know. */
  extra: ExtraRange[];
  /** Config or connector entries that are not addresses. */
  invalid: string[];
}

/** Compares the ERP's egress IPs with the connectors' `SenderIPAddresses`, CIDR- and range-aware. */
export function ipCoverage(egressIps: readonly string[], connectors: readonly InboundConnector[]): IpCoverage {
  const configured = parseAll(egressIps);
  const admitted: IpRange[] = [];
  const invalid = [...configured.invalid];
  const extra: ExtraRange[] = [];
  for (const connector of connectors) {
    const parsed = parseAll(connector.SenderIPAddresses);
    invalid.push(...parsed.invalid.map((entry) => `${entry} (in ${connector.Name})`));
    admitted.push(...parsed.ranges);
    for (const range of parsed.ranges) {
      if (!isCovered(range, configured.ranges)) {
        const erp = overlapCount(range, configured.ranges);
        extra.push({ connector: connector.Name, entry: range.text, addresses: String(addressCount(range) - erp), admitsErp: erp > 0n });
      }
    }
  }
  const missing = configured.ranges.filter((range) => !isCovered(range, admitted)).map((r) => r.text);
  return { missing, extra, invalid };
}

/** A connector's SenderIPAddresses change: what to add and what to remove, in one Set-InboundConnector. */
export interface NarrowingChange {
  connector: InboundConnector;
  add: string[];
  remove: string[];
}

/**
 * The one change per connector that drops its extra entries and keeps the ERP admitted: the
 * configured egress entries that only those entries admitted are added in the same change, so the
 * ERP's own addresses are never removed.
 */
export function narrowingChanges(
  egressIps: readonly string[],
  connectors: readonly InboundConnector[],
  extra: readonly ExtraRange[],
): NarrowingChange[] {
  const configured = parseAll(egressIps).ranges;
  const isRemoved = (c: InboundConnector, r: IpRange) => extra.some((e) => e.connector === c.Name && e.entry === r.text);
  const remaining = connectors.flatMap((c) => parseAll(c.SenderIPAddresses).ranges.filter((r) => !isRemoved(c, r)));
  const changes: NarrowingChange[] = [];
  for (const connector of connectors) {
    const removed = parseAll(connector.SenderIPAddresses).ranges.filter((r) => isRemoved(connector, r));
    if (removed.length === 0) continue;
    const add = configured.filter((r) => !isCovered(r, remaining) && overlapCount(r, removed) > 0n);
    remaining.push(...add);
    changes.push({ connector, add: add.map((r) => r.text), remove: removed.map((r) => r.text) });
  }
  return changes;
}
