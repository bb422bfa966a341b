import dns, { type LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { RetryableError, UnsafeInputError, UpstreamError, ValidationError } from '../core/errors/index.ts';
import { describeUrlSafely } from '../core/safe-url.ts';

/**
 * The `code` of the error that a guarded lookup hands to Node's socket code. HTTP clients copy an
 * errno-style `code` onto the errors they wrap (got does), so the refusal stays recognisable even where
 * the `cause` chain is cut.
 */
export const blockedErrorCode = 'EQUARRYBLOCKED';

/** Resolves every address of a name, like `dns.promises.lookup(host, { all: true })`. */
export type LookupAll = (hostname: string, options: { all: true }) => Promise<LookupAddress[]>;

/** Options of the checks that keep the crawler away from local and private networks. */
export interface NetworkGuardOptions {
  /** Lets loopback, private, link-local and metadata addresses through (`--allow-private-networks`). */
  allowPrivateNetworks: boolean;
}

/** What kind of network an address belongs to; everything but `public` is refused by default. */
type AddressKind =
  | 'public'
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'carrier-grade-nat'
  | 'unspecified'
  | 'broadcast'
  | 'multicast'
  | 'unique-local'
  | 'reserved'
  | 'invalid';

interface Classification {
  kind: AddressKind;
  /** A cloud instance metadata endpoint: the classic SSRF prize, worth naming in the error. */
  metadata?: boolean;
  /** The IPv6 form an IPv4 address was found in, with its article (`an IPv4-mapped IPv6`). */
  embeddedIn?: string;
}

const kindWords: Record<AddressKind, string> = {
  public: 'a public address',
  loopback: 'a loopback address',
  private: 'a private-network address',
  'link-local': 'a link-local address',
  'carrier-grade-nat': 'a carrier-grade NAT address',
  unspecified: 'an unspecified address',
  broadcast: 'a broadcast address',
  multicast: 'a multicast address',
  'unique-local': 'a unique-local (private IPv6) address',
  reserved: 'a reserved or documentation address',
  invalid: 'not a valid IP address',
};

/**
 * Instance metadata endpoints of AWS (EC2, ECS, EKS Pod Identity; also GCP, Azure and Oracle at
 * 169.254.169.254) and Alibaba Cloud. They are refused with the rest of their ranges anyway; they are
 * listed only so the error says what was at stake.
 */
const metadataAddresses = new Set([
  '169.254.169.254',
  '169.254.170.2',
  '169.254.170.23',
  '100.100.100.200',
  'fd00:ec2::254',
  'fd00:ec2::23',
]);

const ipv4Kinds: Partial<Record<string, AddressKind>> = {
  unicast: 'public',
  loopback: 'loopback',
  private: 'private',
  linkLocal: 'link-local',
  carrierGradeNat: 'carrier-grade-nat',
  unspecified: 'unspecified',
  broadcast: 'broadcast',
  multicast: 'multicast',
};

const ipv6Kinds: Partial<Record<string, AddressKind>> = {
  loopback: 'loopback',
  linkLocal: 'link-local',
  uniqueLocal: 'unique-local',
  // fec0::/10 was IPv6's first try at private networks; old stacks still route it locally.
  deprecatedSiteLocal: 'private',
  unspecified: 'unspecified',
  multicast: 'multicast',
};

/** Only 2000::/3 is handed out for global unicast; ipaddr.js calls every unlisted address `unicast`. */
const globalUnicast = ipaddr.parseCIDR('2000::/3');
/** The well-known NAT64 prefix, whose last 32 bits are the IPv4 address the gateway connects to. */
const wellKnownNat64 = ipaddr.parseCIDR('64:ff9b::/96');

/**
 * True only for a global unicast address: the kind of address a public web site has. Loopback, private,
 * link-local (with the cloud metadata service), carrier-grade NAT, unspecified, broadcast, multicast,
 * reserved and documentation addresses are refused, and so are IPv6 forms that carry one of those IPv4
 * addresses (IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo). Text that is not an IP address is not
 * public either.
 */
export function isPublicAddress(ip: string): boolean {
  return classify(ip).kind === 'public';
}

/**
 * The kind of `ip` in words for error messages: "a loopback address", "a private-network address",
 * "a link-local address (cloud metadata service)".
 */
export function describeAddressKind(ip: string): string {
  return describe(classify(ip));
}

function describe(classification: Classification): string {
  let words = kindWords[classification.kind];
  if (classification.metadata) words += ' (cloud metadata service)';
  if (classification.embeddedIn !== undefined) words += ` inside ${classification.embeddedIn} address`;
  return words;
}

function classify(ip: string): Classification {
  // URL hosts keep IPv6 literals in brackets; ipaddr.js does not take them.
  const text = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  if (!ipaddr.isValid(text)) return { kind: 'invalid' };
  const address = ipaddr.parse(text);
  return address.kind() === 'ipv4'
    ? classifyIpv4(address as ipaddr.IPv4)
    : classifyIpv6(address as ipaddr.IPv6);
}

function classifyIpv4(address: ipaddr.IPv4): Classification {
  const kind = ipv4Kinds[address.range()] ?? 'reserved';
  return metadataAddresses.has(address.toString()) ? { kind, metadata: true } : { kind };
}

function classifyIpv6(address: ipaddr.IPv6): Classification {
  const embedded = embeddedIpv4(address);
  if (embedded !== undefined) {
    const inner = worst(embedded.addresses.map(classifyIpv4));
    return inner.kind === 'public' ? inner : { ...inner, embeddedIn: embedded.wrapper };
  }
  const range = address.range();
  if (range === 'unicast') return { kind: address.match(globalUnicast) ? 'public' : 'reserved' };
  const kind = ipv6Kinds[range] ?? 'reserved';
  // The zone (`%eth0`) is not part of the address that names the metadata service.
  const bare = new ipaddr.IPv6(address.parts).toString();
  return metadataAddresses.has(bare) ? { kind, metadata: true } : { kind };
}

/**
 * The IPv4 addresses an IPv6 address stands for, when it is one of the forms that reach an IPv4 host:
 * a connection to `::ffff:127.0.0.1` is a connection to 127.0.0.1, so the IPv4 address is what counts.
 */
function embeddedIpv4(address: ipaddr.IPv6): { wrapper: string; addresses: ipaddr.IPv4[] } | undefined {
  const parts = address.parts;
  const fromWords = (high: number, low: number) =>
    new ipaddr.IPv4([high >> 8, high & 0xff, low >> 8, low & 0xff]);
  const last = fromWords(parts[6] ?? 0, parts[7] ?? 0);
  switch (address.range()) {
    case 'ipv4Mapped':
      return { wrapper: 'an IPv4-mapped IPv6', addresses: [last] };
    case 'rfc6145':
      return { wrapper: 'an IPv4-translated IPv6', addresses: [last] };
    case 'rfc6052':
      // The local-use NAT64 prefix (64:ff9b:1::/48) may embed the address anywhere; it is refused whole.
      return address.match(wellKnownNat64) ? { wrapper: 'a NAT64 IPv6', addresses: [last] } : undefined;
    case '6to4':
      return { wrapper: 'a 6to4 IPv6', addresses: [fromWords(parts[1] ?? 0, parts[2] ?? 0)] };
    case 'teredo': {
      // Teredo carries its server in bits 32-63 and the client's address, inverted, in the last 32 bits.
      const server = fromWords(parts[2] ?? 0, parts[3] ?? 0);
      const client = fromWords(~(parts[6] ?? 0) & 0xffff, ~(parts[7] ?? 0) & 0xffff);
      return { wrapper: 'a Teredo IPv6', addresses: [server, client] };
    }
    default:
      // IPv4-compatible (::a.b.c.d, deprecated): `::` and `::1` are handled as themselves.
      if (parts.slice(0, 6).every((part) => part === 0) && (parts[6] ?? 0) !== 0) {
        return { wrapper: 'an IPv4-compatible IPv6', addresses: [last] };
      }
      return undefined;
  }
}

function worst(classifications: Classification[]): Classification {
  return classifications.find((classification) => classification.kind !== 'public') ?? { kind: 'public' };
}

const registeredMarker = Symbol.for('quarry.crawl.blocked-address');

/**
 * A crawl target that resolves to a loopback, private, link-local or otherwise non-public address while
 * private networks are not allowed. The message names the host and the kind of address; the hint says
 * how to opt in.
 */
export class BlockedAddressError extends UnsafeInputError {
  /** The host name or IP literal of the refused URL. */
  readonly host: string;
  /** The refused address, when the host was resolved (absent for `localhost` names). */
  readonly address: string | undefined;
  /** The kind of address in words, e.g. "a loopback address". */
  readonly addressKind: string;
  readonly [registeredMarker] = true;

  constructor(host: string, address: string | undefined, addressKind: string) {
    super(blockedMessage(host, address, addressKind), {
      hint:
        'Crawling local and private networks is off by default. To allow it, pass --allow-private-networks ' +
        'to quarry crawl, or set crawl.allowPrivateNetworks: true (or allowPrivateNetworks: true on the ' +
        'site in crawl.sites).',
    });
    this.name = 'BlockedAddressError';
    this.host = host;
    this.address = address;
    this.addressKind = addressKind;
  }
}

function blockedMessage(host: string, address: string | undefined, addressKind: string): string {
  if (address === undefined) return `Refusing to crawl ${host}: the name always means ${addressKind}.`;
  if (address === host) return `Refusing to crawl ${host}: it is ${addressKind}.`;
  return `Refusing to crawl ${host}: it resolves to ${address}, ${addressKind}.`;
}

/**
 * Parses `url` and checks that it is an http or https URL, the only kinds the crawler fetches; throws a
 * `ValidationError` otherwise (`file:`, `ftp:`, `javascript:` and text that is not a URL).
 */
export function parseHttpUrl(url: string | URL): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(`${describeUrlSafely(String(url))} cannot be crawled: it is not a valid URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new ValidationError(
      `Only http and https URLs can be crawled, not ${describeUrlSafely(parsed.href)}.`,
    );
  }
  return parsed;
}

/**
 * Checks a URL before the crawler fetches it: throws a `ValidationError` unless it is http or https, and,
 * unless `allowPrivateNetworks` is set, a `BlockedAddressError` (an `UnsafeInputError`) when its host is
 * a non-public IP literal, a `localhost` name, or a name any of whose addresses is not public. DNS
 * failures become an `UpstreamError` (no such name) or a `RetryableError` (resolver trouble).
 *
 * Call it before every request and every redirect hop: Node does not run the connection-time `lookup`
 * (see `createGuardedLookup`) for IP-literal hosts, so this is the only check those get.
 */
export async function checkUrlTarget(
  url: string | URL,
  options: NetworkGuardOptions & { lookup?: LookupAll },
): Promise<void> {
  const parsed = parseHttpUrl(url);
  if (options.allowPrivateNetworks) return;
  const host = parsed.hostname;
  const literal = host.startsWith('[') ? host.slice(1, -1) : host;
  if (ipaddr.isValid(literal)) {
    const classification = classify(literal);
    if (classification.kind !== 'public') throw new BlockedAddressError(host, host, describe(classification));
    return;
  }
  // RFC 6761 reserves these names for the machine itself, whatever a resolver would answer for them.
  const name = host.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) {
    throw new BlockedAddressError(host, undefined, kindWords.loopback);
  }
  const addresses = await resolveAll(host, options.lookup ?? dns.promises.lookup);
  for (const { address } of addresses) {
    const classification = classify(address);
    if (classification.kind !== 'public')
      throw new BlockedAddressError(host, address, describe(classification));
  }
}

async function resolveAll(host: string, lookup: LookupAll): Promise<LookupAddress[]> {
  let addresses: LookupAddress[];
  try {
    addresses = await lookup(host, { all: true });
  } catch (error) {
    throw dnsFailure(host, error);
  }
  if (addresses.length === 0)
    throw new UpstreamError(`Could not resolve ${host}: DNS returned no addresses.`);
  return addresses;
}

/** DNS answers that mean the name does not exist; retrying soon will not change them. */
const missingNameCodes = new Set(['ENOTFOUND', 'ENODATA', 'ENONAME']);

function dnsFailure(host: string, error: unknown): Error {
  const code = (error as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string' && missingNameCodes.has(code)) {
    return new UpstreamError(`Could not resolve ${host}: no such host (${code}).`, {
      cause: error,
      hint: 'Check the host name in the URL.',
    });
  }
  const reason = typeof code === 'string' ? ` (${code})` : '';
  return new RetryableError(`Could not resolve ${host}: the DNS lookup failed${reason}.`, { cause: error });
}

/**
 * A `lookup` for `http.request`, `https.request` and `net.connect` that resolves names with `dns.lookup`
 * (or `options.lookup`) and, unless `allowPrivateNetworks` is set, fails the connection when any of the
 * name's addresses is not public. It runs when the socket connects, so a name that changes its answer
 * after `checkUrlTarget` (DNS rebinding) is still caught. The error has `code` `EQUARRYBLOCKED` and a
 * `BlockedAddressError` as its `cause`; see `isBlockedError` and `findBlockedError`.
 *
 * Node skips `lookup` for IP-literal hosts (`http://127.0.0.1/`), so `checkUrlTarget` must still be
 * called before each request. Supports `all: true` and `false` and passes `family` and `hints` on.
 */
export function createGuardedLookup(
  options: NetworkGuardOptions & { lookup?: LookupFunction },
): LookupFunction {
  const resolve: LookupFunction = options.lookup ?? dns.lookup;
  if (options.allowPrivateNetworks) return resolve;
  return (hostname, lookupOptions, callback) => {
    // Every address is resolved and checked even when one is asked for: any private answer means the
    // name is not a public site, and the caller could otherwise be handed a different one next time.
    resolve(hostname, { ...lookupOptions, all: true }, (error, result, family) => {
      if (error) {
        callback(error, lookupOptions.all ? [] : '');
        return;
      }
      const addresses = Array.isArray(result) ? result : [{ address: result, family: family ?? 0 }];
      const refused = addresses
        .map(({ address }) => ({ address, classification: classify(address) }))
        .find(({ classification }) => classification.kind !== 'public');
      if (refused !== undefined) {
        const blocked = new BlockedAddressError(hostname, refused.address, describe(refused.classification));
        callback(connectionError(blocked), lookupOptions.all ? [] : '');
        return;
      }
      const first = addresses[0];
      if (first === undefined) {
        const missing = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), {
          code: 'ENOTFOUND',
          hostname,
        });
        callback(missing, lookupOptions.all ? [] : '');
      } else if (lookupOptions.all) {
        callback(null, addresses);
      } else {
        callback(null, first.address, first.family);
      }
    });
  };
}

/** An errno-style error as Node's socket code and HTTP clients expect from a lookup. */
function connectionError(blocked: BlockedAddressError): NodeJS.ErrnoException {
  return Object.assign(new Error(blocked.message, { cause: blocked }), {
    code: blockedErrorCode,
    hostname: blocked.host,
  });
}

/**
 * True when `error` is, or was caused by, a refusal of this module: a `BlockedAddressError` or an error
 * with code `EQUARRYBLOCKED`, also after an HTTP client wrapped it (`cause` chains, `AggregateError`).
 */
export function isBlockedError(error: unknown): boolean {
  return someInChain(error, (candidate) => isBlockedAddressError(candidate) || hasBlockedCode(candidate));
}

/** The `BlockedAddressError` inside `error` (see `isBlockedError`), to report its message and hint. */
export function findBlockedError(error: unknown): BlockedAddressError | undefined {
  let found: BlockedAddressError | undefined;
  someInChain(error, (candidate) => {
    if (isBlockedAddressError(candidate)) found = candidate;
    return found !== undefined;
  });
  return found;
}

function isBlockedAddressError(value: unknown): value is BlockedAddressError {
  // A registered symbol, so errors from another copy of this module count too.
  return value instanceof Error && (value as { [registeredMarker]?: unknown })[registeredMarker] === true;
}

function hasBlockedCode(value: unknown): boolean {
  return (
    typeof value === 'object' && value !== null && (value as { code?: unknown }).code === blockedErrorCode
  );
}

/** Walks `cause` links and `AggregateError` members, guarding against cycles. */
function someInChain(error: unknown, test: (candidate: unknown) => boolean): boolean {
  const seen = new Set<unknown>();
  const pending: unknown[] = [error];
  while (pending.length > 0) {
    const candidate = pending.pop();
    if (candidate === undefined || candidate === null || seen.has(candidate)) continue;
    seen.add(candidate);
    if (test(candidate)) return true;
    if (typeof candidate !== 'object') continue;
    pending.push((candidate as { cause?: unknown }).cause);
    const members = (candidate as { errors?: unknown }).errors;
    if (Array.isArray(members)) pending.push(...members);
  }
  return false;
}
