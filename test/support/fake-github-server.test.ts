import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FakeGitHub, startFakeGitHub } from './fake-github-server.ts';

let github: FakeGitHub;

beforeEach(async () => {
  github = await startFakeGitHub();
});

afterEach(async () => {
  await github.close();
});

describe('fake GitHub server', () => {
  it('serves the latest non-draft, non-prerelease release under the Enterprise prefix', async () => {
    github.setRepo('Owner', 'Repo', {
      releases: [
        { tag: 'v1.0.0' },
        { tag: 'v1.1.0' },
        { tag: 'v2.0.0-rc.1', prerelease: true },
        { tag: 'v3', draft: true },
      ],
    });
    expect(github.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/api\/v3$/);
    const response = await fetch(`${github.url}/repos/owner/repo/releases/latest`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { tag_name: string }).tag_name).toBe('v1.1.0');
    expect(response.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  });

  it('answers 404 Not Found for a repository without releases and for an unknown repository', async () => {
    github.setRepo('o', 'empty', { releases: [{ tag: 'v1', draft: true }] });
    for (const path of [
      '/repos/o/empty/releases/latest',
      '/repos/o/missing',
      '/repos/o/missing/releases/latest',
    ]) {
      const response = await fetch(`${github.url}${path}`);
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ message: 'Not Found' });
    }
  });

  it('answers 304 without a body when If-None-Match matches the strong ETag', async () => {
    github.setRepo('o', 'r', { releases: [{ tag: 'v1.0.0' }] });
    const first = await fetch(`${github.url}/repos/o/r/releases/latest`);
    const etag = first.headers.get('etag') ?? '';
    expect(etag).toMatch(/^"[0-9a-f]{40}"$/);
    const second = await fetch(`${github.url}/repos/o/r/releases/latest`, {
      headers: { 'if-none-match': etag },
    });
    expect(second.status).toBe(304);
    expect(await second.text()).toBe('');
    github.setRepo('o', 'r', { releases: [{ tag: 'v1.0.0' }] });
    const republished = await fetch(`${github.url}/repos/o/r/releases/latest`, {
      headers: { 'if-none-match': etag },
    });
    expect(republished.status).toBe(304);
    github.setRepo('o', 'r', { releases: [{ tag: 'v1.0.0' }, { tag: 'v1.0.1' }] });
    const third = await fetch(`${github.url}/repos/o/r/releases/latest`, {
      headers: { 'if-none-match': etag },
    });
    expect(third.status).toBe(200);
  });

  it('paginates tags with a Link header', async () => {
    const tags = Array.from({ length: 250 }, (_, index) => `v0.0.${index}`);
    github.setRepo('o', 'r', { tags });
    const first = await fetch(`${github.url}/repos/o/r/tags?per_page=100`);
    expect(((await first.json()) as unknown[]).length).toBe(100);
    const next = /<([^>]+)>; rel="next"/.exec(first.headers.get('link') ?? '')?.[1] ?? '';
    expect(next).toBe(`${github.url}/repos/o/r/tags?per_page=100&page=2`);
    const last = await fetch(`${github.url}/repos/o/r/tags?per_page=100&page=3`);
    const names = ((await last.json()) as Array<{ name: string }>).map((tag) => tag.name);
    expect(names).toEqual(tags.slice(200));
    expect(last.headers.get('link')).not.toContain('rel="next"');
  });

  it('redirects a tarball to the separate download origin, which streams it, and 404s once removed', async () => {
    github.setRepo('o', 'r', { archives: { 'v1.0.0': { body: Buffer.from('tarball bytes') } } });
    const redirect = await fetch(`${github.url}/repos/o/r/tarball/v1.0.0`, { redirect: 'manual' });
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location') ?? '';
    expect(location.startsWith(`${github.downloadUrl}/codeload/o/r/legacy.tar.gz/`)).toBe(true);
    const download = await fetch(location);
    expect(download.headers.get('content-type')).toBe('application/x-gzip');
    expect(download.headers.get('content-length')).toBe('13');
    expect(await download.text()).toBe('tarball bytes');
    github.removeArchive('o', 'r', 'v1.0.0');
    expect((await fetch(`${github.url}/repos/o/r/tarball/v1.0.0`)).status).toBe(404);
    expect((await fetch(location)).status).toBe(404);
  });

  it('serves asset metadata as JSON and the bytes through a redirect for application/octet-stream', async () => {
    github.setRepo('o', 'r', {
      releases: [{ tag: 'v1', assets: [{ id: 7, name: 'dist.zip', body: Buffer.from('zip') }] }],
    });
    const metadata = await fetch(`${github.url}/repos/o/r/releases/assets/7`);
    expect(await metadata.json()).toMatchObject({ id: 7, name: 'dist.zip', size: 3 });
    const bytes = await fetch(`${github.url}/repos/o/r/releases/assets/7`, {
      headers: { accept: 'application/octet-stream', authorization: 'token secret' },
    });
    expect(await bytes.text()).toBe('zip');
    expect(github.requests.map((request) => [request.origin, request.authorized])).toEqual([
      ['api', false],
      ['api', true],
      ['download', false],
    ]);
  });

  it('fails the next requests as told, with the given headers, then recovers', async () => {
    github.setRepo('o', 'r');
    github.failNext(1, 429, { 'retry-after': '7' });
    github.networkFailNext(1);
    await expect(fetch(`${github.url}/repos/o/r`)).rejects.toThrow();
    const limited = await fetch(`${github.url}/repos/o/r`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    expect(((await limited.json()) as { message: string }).message).toMatch(/secondary rate limit/);
    expect((await fetch(`${github.url}/repos/o/r`)).status).toBe(200);
  });

  it('answers 401 Bad credentials for a token it was not told to accept', async () => {
    await github.close();
    github = await startFakeGitHub({ validTokens: ['good'] });
    github.setRepo('o', 'r');
    const rejected = await fetch(`${github.url}/repos/o/r`, { headers: { authorization: 'token bad' } });
    expect(rejected.status).toBe(401);
    expect(await rejected.json()).toMatchObject({ message: 'Bad credentials' });
    expect(
      (await fetch(`${github.url}/repos/o/r`, { headers: { authorization: 'Bearer good' } })).status,
    ).toBe(200);
  });

  it('streams a throttled archive and drops the connection after the bytes it was told to send', async () => {
    github.setRepo('o', 'r', {
      archives: {
        v1: { body: Buffer.alloc(4000, 1), throttleBytesPerSecond: 1_000_000, dropAfterBytes: 1000 },
      },
    });
    const response = await fetch(`${github.url}/repos/o/r/tarball/v1`);
    expect(response.headers.get('content-length')).toBe('4000');
    await expect(response.arrayBuffer()).rejects.toThrow();
  });
});
