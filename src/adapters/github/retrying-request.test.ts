import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../../../test/support/fake-github-server.ts';
import { quarryRejection } from '../../../test/support/quarry-rejection.ts';
import { RetryableError, UpstreamError } from '../../core/errors/index.ts';
import type { LatestReleaseQuery } from '../../core/ports/release-source.ts';
import { createGitHubReleaseSource, type GitHubReleaseSourceOptions } from './github-release-source.ts';
import { rateLimitWaitMilliseconds } from './retrying-request.ts';

const now = Date.UTC(2030, 0, 1);
const nowSeconds = now / 1000;
const query: LatestReleaseQuery = { owner: 'acme', name: 'tool', track: 'releases', etag: null, asset: null };
let github: FakeGitHub;
let waits: number[];
let host: string;

beforeEach(async () => {
  github = await startFakeGitHub();
  github.setRepo('acme', 'tool', {
    releases: [{ tag: 'v1.0.0' }],
    archives: { 'v1.0.0': { body: Buffer.from('bytes') } },
  });
  host = new URL(github.url).host;
  waits = [];
});

afterEach(async () => {
  await github.close();
});

function source(options: GitHubReleaseSourceOptions = {}) {
  return createGitHubReleaseSource({
    apiUrl: github.url,
    sleep: async (milliseconds) => {
      waits.push(milliseconds);
    },
    now: () => now,
    ...options,
  });
}

const failure = quarryRejection;

const exhausted = (reset: number) => ({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(reset) });

describe('rate limits', () => {
  it('waits until one second past x-ratelimit-reset, then retries', async () => {
    github.failNext(1, 403, exhausted(nowSeconds + 120));
    expect(await source().latest(query)).toMatchObject({ state: 'found', tag: 'v1.0.0' });
    expect(waits).toEqual([121_000]);
    expect(github.requests).toHaveLength(2);
  });

  it('waits for retry-after on a secondary limit, and a minute when a 429 names no time', async () => {
    github.failNext(1, 429, { 'retry-after': '30' });
    github.failNext(1, 429);
    expect(await source().latest(query)).toMatchObject({ state: 'found' });
    expect(waits).toEqual([30_000, 60_000]);
  });

  it('fails at once with RetryableError when the reset is further away than the bound', async () => {
    github.failNext(1, 403, exhausted(nowSeconds + 3600));
    const error = await failure(source().latest(query));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toBe(
      `GitHub rate limit reached for ${host}; it resets at 2030-01-01T01:00:01.000Z.`,
    );
    expect(error.hint).toBe(
      'Set GITHUB_TOKEN for a higher limit, or try again after 2030-01-01T01:00:01.000Z.',
    );
    expect((error as RetryableError).retryAfterMs).toBe(3_601_000);
    expect(waits).toEqual([]);
    expect(github.requests).toHaveLength(1);
  });

  it('points a token user at the wait setting instead, and honours maxRateLimitWaitSeconds', async () => {
    github.failNext(1, 429, { 'retry-after': '10' });
    const error = await failure(source({ token: 'ghp_any', maxRateLimitWaitSeconds: 5 }).latest(query));
    expect(error.hint).toContain('github.maxRateLimitWaitSeconds');
    expect(waits).toEqual([]);
  });

  it('gives up with RetryableError when still limited after two waits', async () => {
    github.failNext(3, 403, exhausted(nowSeconds + 10));
    expect(await failure(source().latest(query))).toBeInstanceOf(RetryableError);
    expect(waits).toEqual([11_000, 11_000]);
    expect(github.requests).toHaveLength(3);
  });

  it('stops waiting as soon as the request is aborted', async () => {
    github.failNext(1, 429, { 'retry-after': '60' });
    const controller = new AbortController();
    const hanging = source({
      sleep: () => {
        controller.abort(new Error('shutting down'));
        return new Promise<void>(() => {});
      },
    });
    await expect(hanging.latest(query, controller.signal)).rejects.toThrow('shutting down');
  });

  it('reads retry-after as seconds or an HTTP date, and ignores a plain 403', () => {
    const limited = (status: number, headers: Record<string, string>, message = 'Forbidden') =>
      Object.assign(new Error(message), { name: 'HttpError', status, response: { headers, data: {} } });
    expect(
      rateLimitWaitMilliseconds(limited(403, { 'retry-after': new Date(now + 5000).toUTCString() }), now),
    ).toBe(5000);
    expect(rateLimitWaitMilliseconds(limited(403, exhausted(nowSeconds - 100)), now)).toBe(0);
    expect(rateLimitWaitMilliseconds(limited(403, {}, 'You have exceeded a secondary rate limit'), now)).toBe(
      60_000,
    );
    expect(rateLimitWaitMilliseconds(limited(403, { 'x-ratelimit-remaining': '12' }), now)).toBeNull();
    expect(rateLimitWaitMilliseconds(limited(500, { 'retry-after': '3' }), now)).toBeNull();
  });
});

describe('server errors and network failures', () => {
  it('retries 5xx with exponential backoff and succeeds', async () => {
    github.failNext(2, 502);
    expect(await source().latest(query)).toMatchObject({ state: 'found' });
    expect(waits).toEqual([1000, 2000]);
  });

  it('gives up after the configured retries with RetryableError', async () => {
    github.failNext(4, 503);
    const error = await failure(source().latest(query));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toBe(`GitHub (${host}) kept failing with 503 after 4 attempts.`);
    expect(waits).toEqual([1000, 2000, 4000]);
    expect(github.requests).toHaveLength(4);
  });

  it('does not retry at all with retries: 0', async () => {
    github.failNext(1, 500);
    expect(await failure(source({ retries: 0 }).latest(query))).toBeInstanceOf(RetryableError);
    expect(waits).toEqual([]);
  });

  it('retries network failures, then reports the host it could not reach', async () => {
    github.networkFailNext(1);
    expect(await source().latest(query)).toMatchObject({ state: 'found' });
    expect(waits).toEqual([1000]);
    waits.length = 0;
    github.networkFailNext(3);
    const error = await failure(source({ retries: 2 }).latest(query));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toMatch(new RegExp(`^Could not reach GitHub at ${host} after 3 attempts: .+\\.$`));
    expect(waits).toEqual([1000, 2000]);
  });

  it('retries a failed download request before any byte arrived', async () => {
    github.failNext(1, 502);
    github.networkFailNext(1);
    const archive = {
      kind: 'tarball',
      format: 'tar.gz',
      assetId: null,
      name: 't.tar.gz',
      size: null,
    } as const;
    const download = await source().download(query, 'v1.0.0', archive);
    const chunks: Uint8Array[] = [];
    for await (const chunk of download.body) chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('bytes');
    expect(waits).toEqual([1000, 2000]);
  });

  it('does not retry a plain 403 and explains it as UpstreamError', async () => {
    github.failNext(1, 403);
    const error = await failure(source().latest(query));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(
      `GitHub answered 403 when asked to check the latest release of acme/tool on ${host}: Forbidden.`,
    );
    expect(github.requests).toHaveLength(1);
  });
});
