import type { LookupAddress } from 'node:dns';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RetryableError, UnsafeInputError, UpstreamError, ValidationError } from '../core/errors/index.ts';
import {
  BlockedAddressError,
  blockedErrorCode,
  checkUrlTarget,
  createGuardedLookup,
  describeAddressKind,
  findBlockedError,
  isBlockedError,
  isPublicAddress,
  type LookupAll,
} from './network-guard.ts';

describe('isPublicAddress', () => {
  it.each([
    ['8.8.8.8', true],
    ['93.184.216.34', true],
    ['1.1.1.1', true],
    ['2606:4700:4700::1111', true],
    ['2a00:1450:4001:80b::200e', true],
    ['::ffff:8.8.8.8', true],
    ['64:ff9b::808:808', true],
    ['2002:808:808::1', true],
    ['127.0.0.1', false],
    ['127.255.255.254', false],
    ['10.1.2.3', false],
    ['172.16.0.1', false],
    ['172.31.255.255', false],
    ['192.168.1.1', false],
    ['169.254.169.254', false],
    ['169.254.1.1', false],
    ['100.64.0.1', false],
    ['100.100.100.200', false],
    ['0.0.0.0', false],
    ['0.1.2.3', false],
    ['255.255.255.255', false],
    ['224.0.0.1', false],
    ['240.0.0.1', false],
    ['192.0.2.1', false],
    ['198.51.100.7', false],
    ['203.0.113.9', false],
    ['198.18.0.1', false],
    ['::1', false],
    ['::', false],
    ['fe80::1', false],
    ['fe80::1%eth0', false],
    ['fc00::1', false],
    ['fd12:3456::1', false],
    ['fd00:ec2::254', false],
    ['ff02::1', false],
    ['2001:db8::1', false],
    ['::ffff:127.0.0.1', false],
    ['::ffff:7f00:1', false],
    ['::ffff:169.254.169.254', false],
    ['::ffff:10.0.0.1', false],
    ['::127.0.0.1', false],
    ['::7f00:1', false],
    ['::ffff:0:7f00:1', false],
    ['64:ff9b::a00:1', false],
    ['64:ff9b::7f00:1', false],
    ['64:ff9b:1::a00:1', false],
    ['2002:7f00:1::1', false],
    ['2002:c0a8:101::1', false],
    // Teredo with client 192.168.1.1 (stored inverted: 3f57:fefe).
    ['2001:0:4136:e378:8000:63bf:3f57:fefe', false],
    ['4000::1', false],
    ['[::1]', false],
    ['not an address', false],
    ['', false],
  ])('%s → %s', (ip, expected) => {
    expect(isPublicAddress(ip)).toBe(expected);
  });
});

describe('describeAddressKind', () => {
  it.each([
    ['127.0.0.1', 'a loopback address'],
    ['::1', 'a loopback address'],
    ['10.0.0.1', 'a private-network address'],
    ['169.254.169.254', 'a link-local address (cloud metadata service)'],
    ['169.254.1.1', 'a link-local address'],
    ['fd00:ec2::254', 'a unique-local (private IPv6) address (cloud metadata service)'],
    ['100.64.1.1', 'a carrier-grade NAT address'],
    ['0.0.0.0', 'an unspecified address'],
    ['::ffff:127.0.0.1', 'a loopback address inside an IPv4-mapped IPv6 address'],
    [
      '::ffff:169.254.169.254',
      'a link-local address (cloud metadata service) inside an IPv4-mapped IPv6 address',
    ],
    ['64:ff9b::a00:1', 'a private-network address inside a NAT64 IPv6 address'],
    ['8.8.8.8', 'a public address'],
  ])('%s is %s', (ip, words) => {
    expect(describeAddressKind(ip)).toBe(words);
  });
});

/** A resolver that answers from a table, the way `dns.promises.lookup(host, { all: true })` does. */
function fakeLookupAll(table: Record<string, string[]>): LookupAll {
  return async (hostname) => {
    const addresses = table[hostname];
    if (addresses === undefined) {
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    }
    return addresses.map((address): LookupAddress => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
}

describe('checkUrlTarget', () => {
  const lookup = fakeLookupAll({
    'docs.example.com': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
    'rebind.example.com': ['93.184.216.34', '10.0.0.7'],
    'metadata.example.com': ['169.254.169.254'],
  });

  it('lets a public name through', async () => {
    await expect(
      checkUrlTarget('https://docs.example.com/robots.txt', { allowPrivateNetworks: false, lookup }),
    ).resolves.toBeUndefined();
  });

  it('refuses a public-looking name when any of its addresses is private', async () => {
    const error = await checkUrlTarget('https://rebind.example.com/', {
      allowPrivateNetworks: false,
      lookup,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnsafeInputError);
    expect(error).toBeInstanceOf(BlockedAddressError);
    const blocked = error as BlockedAddressError;
    expect(blocked.message).toContain('rebind.example.com');
    expect(blocked.message).toContain('10.0.0.7');
    expect(blocked.message).toContain('a private-network address');
    expect(blocked.hint).toContain('--allow-private-networks');
    expect(blocked.hint).toContain('crawl.allowPrivateNetworks: true');
    expect(blocked.hint).toContain('crawl.sites');
    expect(isBlockedError(blocked)).toBe(true);
  });

  it('names the metadata service', async () => {
    await expect(
      checkUrlTarget('http://metadata.example.com/latest/meta-data/', {
        allowPrivateNetworks: false,
        lookup,
      }),
    ).rejects.toThrow('a link-local address (cloud metadata service)');
  });

  it.each([
    'http://127.0.0.1:8080/',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/',
    'http://[::ffff:127.0.0.1]/',
    'http://[fd00:ec2::254]/',
    'http://0.0.0.0/',
    'http://2130706433/',
    'http://0x7f.1/',
    'http://10.0.0.1/',
  ])('refuses the IP literal in %s without a DNS lookup', async (url) => {
    const lookupAll: LookupAll = async () => {
      throw new Error('no lookup expected');
    };
    await expect(
      checkUrlTarget(url, { allowPrivateNetworks: false, lookup: lookupAll }),
    ).rejects.toBeInstanceOf(BlockedAddressError);
  });

  it.each(['http://localhost:3000/', 'http://LOCALHOST./', 'http://app.localhost/'])(
    'refuses %s by name',
    async (url) => {
      await expect(checkUrlTarget(url, { allowPrivateNetworks: false, lookup })).rejects.toThrow(
        'a loopback address',
      );
    },
  );

  it('lets private targets through when allowed', async () => {
    await expect(
      checkUrlTarget('http://127.0.0.1:8080/', { allowPrivateNetworks: true }),
    ).resolves.toBeUndefined();
    await expect(
      checkUrlTarget('http://localhost/', { allowPrivateNetworks: true }),
    ).resolves.toBeUndefined();
  });

  it.each(['file:///etc/passwd', 'ftp://example.com/file', 'javascript:alert(1)', 'not a url'])(
    'refuses %s as not http(s), even when private networks are allowed',
    async (url) => {
      const error = await checkUrlTarget(url, { allowPrivateNetworks: true }).catch(
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(ValidationError);
    },
  );

  it('says that only http and https can be crawled', async () => {
    await expect(checkUrlTarget('file:///etc/passwd', { allowPrivateNetworks: false })).rejects.toThrow(
      /only http and https URLs can be crawled/i,
    );
  });

  it('reports a name that does not exist as an upstream error', async () => {
    const error = await checkUrlTarget('https://nowhere.example.com/', {
      allowPrivateNetworks: false,
      lookup,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toContain('nowhere.example.com');
  });

  it('reports resolver trouble as retryable', async () => {
    const failing: LookupAll = async () => {
      throw Object.assign(new Error('getaddrinfo EAI_AGAIN docs.example.com'), { code: 'EAI_AGAIN' });
    };
    const error = await checkUrlTarget('https://docs.example.com/', {
      allowPrivateNetworks: false,
      lookup: failing,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as Error).message).toContain('EAI_AGAIN');
  });
});

describe('createGuardedLookup', () => {
  let server: http.Server;
  let port: number;

  beforeAll(async () => {
    server = http.createServer((_request, response) => response.end('hello'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  function get(lookupAllowed: boolean): Promise<string> {
    return new Promise((resolve, reject) => {
      const request = http.get(
        `http://localhost:${port}/`,
        { lookup: createGuardedLookup({ allowPrivateNetworks: lookupAllowed }), agent: false, family: 4 },
        (response) => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve(body));
          response.on('error', reject);
        },
      );
      request.on('error', reject);
    });
  }

  it('refuses localhost at connection time', async () => {
    const error = await get(false).catch((caught: unknown) => caught);
    expect(isBlockedError(error)).toBe(true);
    expect((error as NodeJS.ErrnoException).code).toBe(blockedErrorCode);
    const blocked = findBlockedError(error);
    expect(blocked).toBeInstanceOf(UnsafeInputError);
    expect(blocked?.message).toContain('localhost');
    expect(blocked?.message).toContain('a loopback address');
  });

  it('connects to localhost when private networks are allowed', async () => {
    await expect(get(true)).resolves.toBe('hello');
  });

  it('answers one address or all of them, as asked', async () => {
    const resolver = createGuardedLookup({
      allowPrivateNetworks: false,
      lookup: (_hostname, _options, callback) =>
        callback(null, [
          { address: '93.184.216.34', family: 4 },
          { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
        ]),
    });
    const one = await new Promise((resolve) =>
      resolver('docs.example.com', { all: false }, (error, address, family) =>
        resolve({ error, address, family }),
      ),
    );
    expect(one).toEqual({ error: null, address: '93.184.216.34', family: 4 });
    const all = await new Promise((resolve) =>
      resolver('docs.example.com', { all: true }, (error, addresses) => resolve({ error, addresses })),
    );
    expect(all).toEqual({
      error: null,
      addresses: [
        { address: '93.184.216.34', family: 4 },
        { address: '2606:2800:220:1:248:1893:25c8:1946', family: 6 },
      ],
    });
  });

  it('refuses a name when any address is private, even if one is asked for', async () => {
    const resolver = createGuardedLookup({
      allowPrivateNetworks: false,
      lookup: (_hostname, _options, callback) =>
        callback(null, [
          { address: '93.184.216.34', family: 4 },
          { address: '::ffff:169.254.169.254', family: 6 },
        ]),
    });
    const error = await new Promise<unknown>((resolve) =>
      resolver('evil.example.com', { all: false }, resolve),
    );
    expect(isBlockedError(error)).toBe(true);
    expect(findBlockedError(error)?.message).toContain('cloud metadata service');
  });

  it('passes DNS errors through unchanged', async () => {
    const failure = Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.example'), { code: 'ENOTFOUND' });
    const resolver = createGuardedLookup({
      allowPrivateNetworks: false,
      lookup: (_hostname, _options, callback) => callback(failure, ''),
    });
    const error = await new Promise<unknown>((resolve) => resolver('nowhere.example', {}, resolve));
    expect(error).toBe(failure);
    expect(isBlockedError(error)).toBe(false);
  });
});

describe('isBlockedError', () => {
  const blocked = new BlockedAddressError('intranet.example.com', '10.0.0.1', 'a private-network address');

  it('finds the refusal inside wrappers', () => {
    const fetchStyle = new TypeError('fetch failed', { cause: blocked });
    const gotStyle = Object.assign(new Error('request failed'), { code: blockedErrorCode });
    const aggregate = new AggregateError([new Error('other'), fetchStyle], 'all attempts failed');
    expect(isBlockedError(fetchStyle)).toBe(true);
    expect(isBlockedError(gotStyle)).toBe(true);
    expect(isBlockedError(aggregate)).toBe(true);
    expect(findBlockedError(aggregate)).toBe(blocked);
  });

  it('is false for other errors and values', () => {
    const cyclic = new Error('loop') as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    expect(isBlockedError(new Error('connect ECONNREFUSED'))).toBe(false);
    expect(isBlockedError(new UnsafeInputError('zip slip'))).toBe(false);
    expect(isBlockedError(cyclic)).toBe(false);
    expect(isBlockedError(undefined)).toBe(false);
    expect(isBlockedError('EQUARRYBLOCKED')).toBe(false);
  });
});
