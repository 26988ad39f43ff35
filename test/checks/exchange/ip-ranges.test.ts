import { describe, expect, it } from 'vitest';
import { isCovered, parseIpRange } from '../../../src/checks/exchange/shared/ip-ranges.js';

const range = (text: string) => {
  const parsed = parseIpRange(text);
  if (!parsed) throw new Error(`not a range: ${text}`);
  return parsed;
};

describe('IP ranges of SenderIPAddresses', () => {
  it('parses single addresses, CIDR blocks and a-b ranges in both families', () => {
    expect(range('203.0.113.10')).toMatchObject({ family: 'ipv4', start: range('203.0.113.10').end });
    const block = range('203.0.113.17/28');
    expect(block.start).toBe(range('203.0.113.16').start);
    expect(block.end).toBe(range('203.0.113.31').start);
    expect(range('203.0.113.20-203.0.113.1').start).toBe(range('203.0.113.1').start);
    expect(range('2001:db8::/126').end - range('2001:db8::/126').start).toBe(3n);
    expect(parseIpRange('not-an-ip')).toBeUndefined();
    expect(parseIpRange('203.0.113.0/40')).toBeUndefined();
  });

  it('covers a target by the union of ranges, never across families', () => {
    expect(isCovered(range('203.0.113.0/28'), [range('203.0.113.0-203.0.113.7'), range('203.0.113.8/29')])).toBe(true);
    expect(isCovered(range('203.0.113.0/28'), [range('203.0.113.0/29'), range('203.0.113.9/32')])).toBe(false);
    expect(isCovered(range('::ffff:203.0.113.10'), [range('203.0.113.10')])).toBe(true);
    expect(isCovered(range('2001:db8::1'), [range('0.0.0.0/0')])).toBe(false);
  });
});
