import ipaddr from 'ipaddr.js';

/**
 * Prefix lengths below which a source range counts as "the internet". A /16 (65,536 IPv4 addresses) is
 * about the widest block one organisation's offices or VPN need; anything wider (`0.0.0.0/1`, `8.0.0.0/5`)
 * takes in addresses of strangers, so splitting `0.0.0.0/0` into halves must not hide it. For IPv6 a /32
 * is what a provider is allocated, so a shorter prefix spans several providers' customers.
 */
export const internetPrefixBelow = { ipv4: 16, ipv6: 32 } as const;

/** Ranges that are not routed on the internet: private networks, shared NAT space, loopback, link-local. */
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

/** A source range wide enough to count as the internet. */
export interface InternetRange {
  /** The range in its shortest form, e.g. `::/0` for `0:0:0:0:0:0:0:0/0`, `0.0.0.0/0` for `::ffff:0:0/96`. */
  normalized: string;
  prefixLength: number;
  /** The prefix length below which this family counts as the internet (16 or 32). */
  limit: number;
}

/**
 * The range `text` names when it reaches the internet, else undefined (narrow, private, or not a CIDR).
 * An IPv4-mapped IPv6 range (`::ffff:0:0/96`) is judged as the IPv4 range it stands for.
 */
export function internetRange(text: string): InternetRange | undefined {
  const parsed = parseRange(text);
  if (parsed === undefined) return undefined;
  const [address, prefixLength] = plainRange(parsed);
  const limit = address.kind() === 'ipv4' ? internetPrefixBelow.ipv4 : internetPrefixBelow.ipv6;
  if (prefixLength >= limit || isUnrouted(address, prefixLength)) return undefined;
  return { normalized: `${address.toString()}/${prefixLength}`, prefixLength, limit };
}

/** Parses a CIDR, its address reduced to the network address. IPv4 must be four decimal parts, as EC2 wants. */
function parseRange(text: string): [ipaddr.IPv4 | ipaddr.IPv6, number] | undefined {
  const trimmed = text.trim();
  if (ipaddr.IPv4.isValidCIDRFourPartDecimal(trimmed)) {
    const [, prefix] = ipaddr.IPv4.parseCIDR(trimmed);
    return [ipaddr.IPv4.networkAddressFromCIDR(trimmed), prefix];
  }
  if (ipaddr.IPv6.isValidCIDR(trimmed)) {
    const [, prefix] = ipaddr.IPv6.parseCIDR(trimmed);
    return [ipaddr.IPv6.networkAddressFromCIDR(trimmed), prefix];
  }
  return undefined;
}

function plainRange([address, prefixLength]: [ipaddr.IPv4 | ipaddr.IPv6, number]): [
  ipaddr.IPv4 | ipaddr.IPv6,
  number,
] {
  if (address.kind() !== 'ipv6' || prefixLength < 96) return [address, prefixLength];
  const ipv6 = address as ipaddr.IPv6;
  return ipv6.isIPv4MappedAddress() ? [ipv6.toIPv4Address(), prefixLength - 96] : [address, prefixLength];
}

/** True when the whole range lies inside one that the internet does not route to. */
function isUnrouted(address: ipaddr.IPv4 | ipaddr.IPv6, prefixLength: number): boolean {
  return unroutedRanges.some(
    ([network, bits]) =>
      network.kind() === address.kind() && prefixLength >= bits && address.match(network, bits),
  );
}
