import { describe, expect, it } from 'vitest';
import { distinctAddresses, internetRange, internetSpan, isEveryAddress } from './source-ranges.ts';

describe('internetRange', () => {
  it('names the network however the range is written', () => {
    expect(internetRange('0.0.0.0/0')).toEqual({ normalized: '0.0.0.0/0', prefixLength: 0, limit: 16 });
    expect(internetRange('198.162.1.0/0')?.normalized).toBe('0.0.0.0/0');
    expect(internetRange('0:0:0:0:0:0:0:0/0')?.normalized).toBe('::/0');
    expect(internetRange('::ffff:0:0/96')?.normalized).toBe('0.0.0.0/0');
    expect(internetRange('128.0.0.0/1')?.normalized).toBe('128.0.0.0/1');
    expect(internetRange('2000::/3')).toMatchObject({ prefixLength: 3, limit: 32 });
  });

  it('leaves narrow, private and malformed ranges alone', () => {
    for (const text of [
      '203.0.113.0/24',
      '8.8.0.0/16',
      '10.0.0.0/8',
      'fc00::/7',
      '2001:db8::/32',
      'any',
      '1.2.3/8',
    ])
      expect(internetRange(text), text).toBeUndefined();
  });
});

describe('distinctAddresses', () => {
  it('adds up halves of the internet, counting overlaps once', () => {
    const halves = ['0.0.0.0/1', '128.0.0.0/1', '128.0.0.0/2'].map((text) => internetSpan(text));
    const spans = halves.filter((span) => span !== undefined);
    expect(isEveryAddress('ipv4', distinctAddresses(spans))).toBe(true);
  });
});
