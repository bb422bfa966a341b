import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from '../../../test/support/fake-github-server.ts';
import { quarryRejection } from '../../../test/support/quarry-rejection.ts';
import {
  NotFoundError,
  type QuarryError,
  RetryableError,
  UpstreamError,
  ValidationError,
} from '../../core/errors/index.ts';
import type { LatestReleaseQuery, ReleaseArchive } from '../../core/ports/release-source.ts';
import { createGitHubReleaseSource, type GitHubReleaseSourceOptions } from './github-release-source.ts';

const token = 'ghp_TESTSECRET123';
const now = Date.UTC(2030, 0, 1);
let github: FakeGitHub;
let waits: number[];

beforeEach(async () => {
  github = await startFakeGitHub({ validTokens: [token] });
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

function query(overrides: Partial<LatestReleaseQuery> = {}): LatestReleaseQuery {
  return { owner: 'acme', name: 'tool', track: 'releases', etag: null, asset: null, ...overrides };
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const failure = quarryRejection;

const tarball = (tag: string): ReleaseArchive => ({
  kind: 'tarball',
  format: 'tar.gz',
  assetId: null,
  name: `tool-${tag}.tar.gz`,
  size: null,
});

describe('latest release', () => {
  it('finds the latest non-draft, non-prerelease release and its source tarball, under the API prefix', async () => {
    github.setRepo('acme', 'tool', {
      releases: [
        { tag: 'v1.0.0' },
        { tag: 'v1.1.0' },
        { tag: 'v2.0.0-rc.1', prerelease: true },
        { tag: 'v3', draft: true },
      ],
    });
    const result = await source().latest(query());
    expect(result).toEqual({
      state: 'found',
      tag: 'v1.1.0',
      etag: expect.stringMatching(/^".+"$/),
      archive: tarball('v1.1.0'),
    });
    expect(github.requests.map((request) => request.path)).toEqual([
      '/api/v3/repos/acme/tool/releases/latest',
    ]);
  });

  it('sends the stored ETag and answers not-modified while it matches, found once it changes', async () => {
    github.setRepo('acme', 'tool', { releases: [{ tag: 'v1.0.0' }] });
    const first = await source().latest(query());
    if (first.state !== 'found') throw new Error(`unexpected ${first.state}`);
    expect(await source().latest(query({ etag: first.etag }))).toEqual({ state: 'not-modified' });
    expect(github.requests.at(-1)?.headers['if-none-match']).toBe(first.etag);
    github.setRepo('acme', 'tool', { releases: [{ tag: 'v1.0.0' }, { tag: 'v1.0.1' }] });
    const changed = await source().latest(query({ etag: first.etag }));
    expect(changed).toMatchObject({ state: 'found', tag: 'v1.0.1' });
    expect(changed.state === 'found' && changed.etag).not.toBe(first.etag);
  });

  it('answers none when the repository exists but has no published release', async () => {
    github.setRepo('acme', 'tool', {
      releases: [
        { tag: 'v1', draft: true },
        { tag: 'v2-rc', prerelease: true },
      ],
    });
    expect(await source().latest(query())).toEqual({ state: 'none', etag: null });
    expect(github.requests.map((request) => request.path)).toEqual([
      '/api/v3/repos/acme/tool/releases/latest',
      '/api/v3/repos/acme/tool',
    ]);
  });

  it('throws NotFoundError naming the repository and host when the repository does not exist', async () => {
    const error = await failure(source().latest(query({ owner: 'nobody', name: 'nothing' })));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.message).toBe(
      `Repository nobody/nothing was not found on ${new URL(github.url).host} (or it is private and GITHUB_TOKEN cannot see it).`,
    );
    expect(error.hint).toContain('GITHUB_TOKEN');
  });

  it('shows api.github.com as github.com in messages', async () => {
    const fetchToFake: typeof fetch = (input, init) =>
      fetch(String(input).replace('https://api.github.com', github.url), init);
    const error = await failure(
      source({ apiUrl: 'https://api.github.com', fetch: fetchToFake }).latest(query()),
    );
    expect(error.message).toContain('was not found on github.com');
  });

  it('picks the first asset matching the glob, with the format from its name', async () => {
    github.setRepo('acme', 'tool', {
      releases: [
        {
          tag: 'v1.0.0',
          assets: [
            { name: 'checksums.txt', body: Buffer.from('x') },
            { id: 41, name: 'dist-linux.tgz', body: Buffer.from('tgz bytes') },
            { name: 'dist-mac.zip', body: Buffer.from('zip') },
          ],
        },
      ],
    });
    const result = await source().latest(query({ asset: 'dist-*' }));
    expect(result).toMatchObject({
      state: 'found',
      archive: { kind: 'asset', format: 'tar.gz', assetId: 41, name: 'dist-linux.tgz', size: 9 },
    });
    expect(await source().latest(query({ asset: 'dist-???.zip' }))).toMatchObject({
      archive: { format: 'zip', name: 'dist-mac.zip' },
    });
  });

  it('throws NotFoundError listing the assets when none matches, ValidationError for a non-archive', async () => {
    github.setRepo('acme', 'tool', {
      releases: [
        {
          tag: 'v1.0.0',
          assets: [
            { name: 'a.txt', body: Buffer.from('') },
            { name: 'b.zip', body: Buffer.from('') },
          ],
        },
      ],
    });
    const missing = await failure(source().latest(query({ asset: '*.msi' })));
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.message).toContain('its assets are: a.txt, b.zip');
    const unsupported = await failure(source().latest(query({ asset: '*.txt' })));
    expect(unsupported).toBeInstanceOf(ValidationError);
    expect(unsupported.message).toContain('a.txt');
    expect(unsupported.message).toContain('.zip, .tar.gz, .tgz and .tar');
  });
});

describe('latest tag', () => {
  const tagsQuery = (overrides: Partial<LatestReleaseQuery> = {}) => query({ track: 'tags', ...overrides });

  it('reads every page and picks the highest stable semver tag', async () => {
    const filler = Array.from({ length: 230 }, (_, index) => `build-${index}`);
    github.setRepo('acme', 'tool', {
      tags: ['v2.0.0-rc.1', 'v1.9.0', ...filler, 'v1.10.0', 'nightly', '1.2.3'],
    });
    const result = await source().latest(tagsQuery());
    expect(result).toMatchObject({ state: 'found', tag: 'v1.10.0', archive: tarball('v1.10.0') });
    expect(github.requests.map((request) => request.path)).toEqual([
      '/api/v3/repos/acme/tool/tags?per_page=100',
      '/api/v3/repos/acme/tool/tags?per_page=100&page=2',
      '/api/v3/repos/acme/tool/tags?per_page=100&page=3',
    ]);
  });

  it('uses the first page ETag: a match is not-modified after one request', async () => {
    github.setRepo('acme', 'tool', { tags: ['v1.0.0'] });
    const first = await source().latest(tagsQuery());
    if (first.state !== 'found') throw new Error(`unexpected ${first.state}`);
    github.requests.length = 0;
    expect(await source().latest(tagsQuery({ etag: first.etag }))).toEqual({ state: 'not-modified' });
    expect(github.requests).toHaveLength(1);
  });

  it('answers none, with the ETag, when no tag is a stable semantic version', async () => {
    github.setRepo('acme', 'tool', { tags: ['nightly', 'v2.0.0-beta.1'] });
    expect(await source().latest(tagsQuery())).toEqual({
      state: 'none',
      etag: expect.stringMatching(/^".+"$/),
    });
  });

  it('throws NotFoundError for a missing repository and ValidationError when given an asset glob', async () => {
    expect(await failure(source().latest(tagsQuery()))).toBeInstanceOf(NotFoundError);
    github.setRepo('acme', 'tool', { tags: ['v1.0.0'] });
    expect(await failure(source().latest(tagsQuery({ asset: '*.zip' })))).toBeInstanceOf(ValidationError);
  });
});

describe('download', () => {
  it('streams the source tarball through the redirect, with its announced size', async () => {
    const bytes = Buffer.from('pretend this is gzip');
    github.setRepo('acme', 'tool', { archives: { 'v1.0.0': { body: bytes } } });
    const download = await source().download(query(), 'v1.0.0', tarball('v1.0.0'));
    expect(download.size).toBe(bytes.length);
    expect(await collect(download.body)).toEqual(bytes);
    expect(github.requests.map((request) => [request.origin, request.path])).toEqual([
      ['api', '/api/v3/repos/acme/tool/tarball/v1.0.0'],
      ['download', '/codeload/acme/tool/legacy.tar.gz/v1.0.0'],
    ]);
  });

  it('streams a large archive from disk chunk by chunk', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'quarry-github-'));
    try {
      const bytes = Buffer.alloc(8 * 1024 * 1024);
      for (let offset = 0; offset < bytes.length; offset += 4) bytes.writeUInt32LE(offset, offset);
      await writeFile(join(folder, 'big.tar.gz'), bytes);
      github.setRepo('acme', 'tool', { archives: { 'v1.0.0': { body: join(folder, 'big.tar.gz') } } });
      const download = await source().download(query(), 'v1.0.0', tarball('v1.0.0'));
      const hash = createHash('sha256');
      let chunks = 0;
      for await (const chunk of download.body) {
        hash.update(chunk);
        chunks += 1;
      }
      expect(hash.digest('hex')).toBe(createHash('sha256').update(bytes).digest('hex'));
      expect(chunks).toBeGreaterThan(1);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  it('downloads a release asset with accept: application/octet-stream, falling back to the listed size', async () => {
    async function* streamed() {
      yield Buffer.from('part one, ');
      yield Buffer.from('part two');
    }
    github.setRepo('acme', 'tool', {
      releases: [{ tag: 'v1.0.0', assets: [{ name: 'dist.zip', size: 18, body: streamed }] }],
    });
    const found = await source().latest(query({ asset: '*.zip' }));
    if (found.state !== 'found') throw new Error(`unexpected ${found.state}`);
    github.requests.length = 0;
    const download = await source().download(query(), found.tag, found.archive);
    expect((await collect(download.body)).toString()).toBe('part one, part two');
    expect(download.size).toBe(18);
    expect(github.requests[0]?.headers.accept).toBe('application/octet-stream');
    expect(github.requests[1]?.path).toMatch(/^\/release-assets\/acme\/tool\/\d+$/);
  });

  it('throws NotFoundError when the tag or the asset vanished', async () => {
    github.setRepo('acme', 'tool', { archives: { 'v1.0.0': { body: Buffer.from('x') } } });
    github.removeArchive('acme', 'tool', 'v1.0.0');
    const tagGone = await failure(source().download(query(), 'v1.0.0', tarball('v1.0.0')));
    expect(tagGone).toBeInstanceOf(NotFoundError);
    expect(tagGone.message).toBe(`Tag v1.0.0 of acme/tool no longer exists on ${new URL(github.url).host}.`);
    const asset: ReleaseArchive = { kind: 'asset', format: 'zip', assetId: 999, name: 'dist.zip', size: 1 };
    const assetGone = await failure(source().download(query(), 'v1.0.0', asset));
    expect(assetGone).toBeInstanceOf(NotFoundError);
    expect(assetGone.message).toContain('Asset dist.zip of release v1.0.0 of acme/tool no longer exists');
  });

  it('turns a connection lost mid-download into a RetryableError', async () => {
    github.setRepo('acme', 'tool', {
      archives: { v1: { body: Buffer.alloc(100_000, 7), dropAfterBytes: 5000 } },
    });
    const download = await source().download(query(), 'v1', tarball('v1'));
    const error = await failure(collect(download.body));
    expect(error).toBeInstanceOf(RetryableError);
    expect(error.message).toMatch(
      /^The download of tool-v1\.tar\.gz \(acme\/tool v1\) from .+ was interrupted: /,
    );
  });

  it('stops with the abort reason when the signal is aborted mid-download', async () => {
    github.setRepo('acme', 'tool', {
      archives: { v1: { body: Buffer.alloc(1_000_000, 1), throttleBytesPerSecond: 200_000 } },
    });
    const controller = new AbortController();
    const download = await source().download(query(), 'v1', tarball('v1'), controller.signal);
    const reading = collect(download.body);
    controller.abort(new Error('stopped by the test'));
    await expect(reading).rejects.toThrow('stopped by the test');
  });
});

describe('authentication and secrecy', () => {
  it('sends the token to the API only, never to the download origin, and nothing without a token', async () => {
    github.setRepo('acme', 'tool', {
      releases: [{ tag: 'v1.0.0' }],
      archives: { 'v1.0.0': { body: Buffer.from('x') } },
    });
    await collect((await source({ token }).download(query(), 'v1.0.0', tarball('v1.0.0'))).body);
    await source({ token }).latest(query());
    expect(github.requests.map((request) => [request.origin, request.headers.authorization])).toEqual([
      ['api', `token ${token}`],
      ['download', undefined],
      ['api', `token ${token}`],
    ]);
    github.requests.length = 0;
    await source().latest(query());
    expect(github.requests[0]?.authorized).toBe(false);
    expect(github.requests[0]?.headers['user-agent']).toMatch(/^quarry/);
  });

  it('reports a rejected token as UpstreamError without retrying', async () => {
    github.setRepo('acme', 'tool', { releases: [{ tag: 'v1.0.0' }] });
    const error = await failure(source({ token: 'ghp_WRONG' }).latest(query()));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toBe(`GitHub rejected the token (401) for ${new URL(github.url).host}.`);
    expect(error.hint).toContain('GITHUB_TOKEN');
    expect(github.requests).toHaveLength(1);
  });

  it('never puts the token in any error, its hint or its cause chain', async () => {
    github.setRepo('acme', 'tool', {
      releases: [{ tag: 'v1.0.0' }],
      archives: { v1: { body: Buffer.alloc(9000), dropAfterBytes: 10 } },
    });
    const withToken = source({ token, retries: 1, maxRateLimitWaitSeconds: 0 });
    const errors: QuarryError[] = [];
    errors.push(await failure(withToken.latest(query({ name: 'missing' }))));
    github.failNext(1, 401);
    errors.push(await failure(withToken.latest(query())));
    github.failNext(1, 403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 3600) });
    errors.push(await failure(withToken.latest(query())));
    github.failNext(2, 502);
    errors.push(await failure(withToken.latest(query())));
    github.networkFailNext(2);
    errors.push(await failure(withToken.latest(query())));
    errors.push(await failure(withToken.download(query(), 'v0', tarball('v0'))));
    errors.push(
      await failure(
        withToken.download(query(), 'v1', tarball('v1')).then((download) => collect(download.body)),
      ),
    );
    expect(errors.map((error) => error.name)).toEqual([
      'NotFoundError',
      'UpstreamError',
      'RetryableError',
      'RetryableError',
      'RetryableError',
      'NotFoundError',
      'RetryableError',
    ]);
    // The cause chain is printed in full: the redacted header proves the check looks deep enough.
    expect(inspect(errors[1], { depth: 12 })).toContain('token [REDACTED]');
    for (const error of errors) {
      expect(`${error.message} ${error.hint}`).not.toContain(token);
      expect(inspect(error, { depth: 12 })).not.toContain('TESTSECRET');
    }
    expect(
      github.requests.filter((request) => request.origin === 'api').every((request) => request.authorized),
    ).toBe(true);
  });
});

describe('options', () => {
  it('uses the injected fetch for every request', async () => {
    github.setRepo('acme', 'tool', { releases: [{ tag: 'v1.0.0' }] });
    const fetched: string[] = [];
    const recordingFetch: typeof fetch = (input, init) => {
      fetched.push(String(input));
      return fetch(input, init);
    };
    await source({ fetch: recordingFetch }).latest(query());
    expect(fetched).toEqual([`${github.url}/repos/acme/tool/releases/latest`]);
  });

  it('rejects an API URL that is not a URL with a ValidationError', () => {
    expect(() => createGitHubReleaseSource({ apiUrl: 'not a url' })).toThrow(ValidationError);
  });
});
