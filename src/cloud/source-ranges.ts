import ipaddr from 'ipaddr.js';

/** The address family a source range belongs to. */
export type AddressFamily = 'ipv4' | 'ipv6';

/** A parsed ingress source range. */
export interface SourceRange {
  /** The range in EC2's plain spelling: `::/0` for `0::/0` or `0:0:0:0:0:0:0:0/0`, lower-case hex. */
  normalized: string;
  family: AddressFamily;
  prefixLength: number;
}

/** The addresses a range admits, as numbers: `count` addresses from `first`. */
export interface AddressSpan {
  family: AddressFamily;
  first: bigint;
  count: bigint;
}

/**
 * Prefix lengths below which a source counts as "the internet". A /16 (65,536 IPv4 addresses) is about the
 * widest block one organisation's offices or VPN need; anything wider (`0.0.0.0/1`, `8.0.0.0/5`) takes in
 * strangers' addresses. For IPv6 a /32 is what one provider is allocated, so a shorter prefix spans several
 * providers' customers.
 */
export const internetPrefixBelow: Readonly<Record<AddressFamily, number>> = { ipv4: 16, ipv6: 32 };

const familyBits: Readonly<Record<AddressFamily, number>> = { ipv4: 32, ipv6: 128 };

/** Ranges the internet does not route to: private networks, shared NAT space, loopback, link-local. */
const unroutedRanges = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  'fc00::/7',
  'fe80::/10',
].map((text) => ipaddr.parseCIDR(text));

/** Only hex digits, colons and dots: no zone id (`%eth0`), which a security group cannot hold. */
const ipv6RangeShape = /^[0-9a-fA-F:.]+\/\d{1,3}$/;

/**
 * Parses an IPv4 range (four decimal parts, no leading zeros, as EC2 wants) or an IPv6 range in any
 * spelling; undefined when `text` is neither.
 */
export function parseSourceRange(text: string): SourceRange | undefined {
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(text)) return sourceRange(ipaddr.IPv4.parseCIDR(text));
  if (ipv6RangeShape.test(text) && ipaddr.IPv6.isValidCIDR(text)) {
    return sourceRange(ipaddr.IPv6.parseCIDR(text));
  }
  return undefined;
}

function sourceRange([address, prefixLength]: [ipaddr.IPv4 | ipaddr.IPv6, number]): SourceRange {
  return { normalized: `${address.toString()}/${prefixLength}`, family: address.kind(), prefixLength };
}

/**
 * The addresses `text` admits from the internet, or undefined when it admits none from there (not a
 * range, or wholly inside a private, loopback or link-local network). An IPv4-mapped IPv6 range
 * (`::ffff:0:0/96`) is counted as the IPv4 range it stands for, so it cannot hide `0.0.0.0/0`.
 */
export function internetSpan(text: string): AddressSpan | undefined {
  if (parseSourceRange(text) === undefined) return undefined;
  const [parsed, parsedPrefix] = ipaddr.parseCIDR(text);
  const [address, prefixLength] = unmapped(parsed, parsedPrefix);
  const isUnrouted = unroutedRanges.some(
    ([network, bits]) =>
      network.kind() === address.kind() && prefixLength >= bits && address.match(network, bits),
  );
  if (isUnrouted) return undefined;
  const family = address.kind();
  const hostBits = BigInt(familyBits[family] - prefixLength);
  const value = address.toByteArray().reduce((sum, byte) => (sum << 8n) | BigInt(byte), 0n);
  return { family, first: (value >> hostBits) << hostBits, count: 1n << hostBits };
}

function unmapped(
  address: ipaddr.IPv4 | ipaddr.IPv6,
  prefixLength: number,
): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  if (address.kind() === 'ipv4' || prefixLength < 96) return [address, prefixLength];
  const ipv6 = address as ipaddr.IPv6;
  return ipv6.isIPv4MappedAddress() ? [ipv6.toIPv4Address(), prefixLength - 96] : [address, prefixLength];
}

/** How many distinct addresses the spans (all of one family) admit together: overlaps count once. */
export function distinctAddresses(spans: readonly AddressSpan[]): bigint {
  const sorted = [...spans].sort((left, right) =>
    left.first < right.first ? -1 : left.first > right.first ? 1 : 0,
  );
  let total = 0n;
  let coveredUpTo = -1n;
  for (const span of sorted) {
    const end = span.first + span.count;
    if (end <= coveredUpTo) continue;
    total += end - (span.first > coveredUpTo ? span.first : coveredUpTo);
    coveredUpTo = end;
  }
  return total;
}

/** Whether `count` addresses of `family` are more than the widest range that is not "the internet". */
export function isInternetWide(family: AddressFamily, count: bigint): boolean {
  return count > 1n << BigInt(familyBits[family] - internetPrefixBelow[family]);
}

/** Whether `count` addresses are every address of `family`. */
export function isEveryAddress(family: AddressFamily, count: bigint): boolean {
  return count === 1n << BigInt(familyBits[family]);
}

/** One range wide enough to count as the internet, as findings name it. */
export interface InternetRange {
  /** The network in its shortest form: `0.0.0.0/0` for `198.162.1.0/0` or `::ffff:0:0/96`, `::/0` for `0::/0`. */
  normalized: string;
  prefixLength: number;
  /** The prefix length below which this family counts as the internet (16 or 32). */
  limit: number;
}

/** The range `text` names when it alone reaches the internet; undefined when narrow, private or not a range. */
export function internetRange(text: string): InternetRange | undefined {
  const span = internetSpan(text.trim());
  if (span === undefined) return undefined;
  const prefixLength = familyBits[span.family] - (span.count.toString(2).length - 1);
  const limit = internetPrefixBelow[span.family];
  if (prefixLength >= limit) return undefined;
  const bytes: number[] = [];
  for (let value = span.first, index = 0; index < familyBits[span.family] / 8; index += 1, value >>= 8n)
    bytes.unshift(Number(value & 0xffn));
  return { normalized: `${ipaddr.fromByteArray(bytes).toString()}/${prefixLength}`, prefixLength, limit };
}
