import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrawlSummary } from '../src/crawl/crawl-types.ts';
import { type CrawlSite, startCrawlSite } from './support/crawl-site.ts';
import { cliEnvironment, runQuarry } from './support/run-quarry.ts';

/** `quarry crawl` as a user runs it: a child process, a temporary QUARRY_HOME and a quarry.config.yaml. */
let site: CrawlSite;
let folder: string;

beforeAll(async () => {
  site = await startCrawlSite();
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-crawl-cli-'));
});

afterAll(async () => {
  await site.close();
  await rm(folder, { recursive: true, force: true });
});

/** Quick crawl settings (429s fail at once), plus `extra` lines inside the `crawl:` mapping. */
async function workspace(extra = '') {
  const cwd = await mkdtemp(path.join(folder, 'ws-'));
  const config = [
    'sync:',
    '  repos: []',
    'crawl:',
    '  retries: 1',
    '  maxRetryAfterSeconds: 0',
    '  pageTimeoutSeconds: 5',
    extra,
  ].join('\n');
  await writeFile(path.join(cwd, 'quarry.config.yaml'), `${config}\n`);
  const env = cliEnvironment({ QUARRY_HOME: path.join(cwd, 'home') });
  return { cwd, run: (...args: string[]) => runQuarry(args, { cwd, env }) };
}

describe('quarry crawl (CLI)', () => {
  it('crawls a site, prints a JSON summary, exits 1 for failed pages, and shows the site in status', async () => {
    const { run } = await workspace();
    const source = new URL(site.origin).host;
    const crawl = await run('crawl', `${site.origin}/`, '--allow-private-networks', '--json', '--depth', '1');
    // Depth 1 from / reaches the redirect loop and the page that answers 429 forever.
    expect(crawl.code, crawl.stderr).toBe(1);
    const summary = JSON.parse(crawl.stdout) as CrawlSummary;
    expect(summary).toMatchObject({
      source,
      startUrls: [`${site.origin}/`],
      unchanged: 0,
      updated: 0,
      removed: 0,
      interrupted: false,
    });
    expect(summary.fetched).toBeGreaterThan(5);
    expect(summary.new).toBe(summary.fetched);
    expect(summary.durationMs).toEqual(expect.any(Number));
    expect(summary.skipped).toEqual({
      total: expect.any(Number),
      reasons: expect.objectContaining({ robots: 2 }),
      examples: expect.arrayContaining([
        expect.objectContaining({ reason: 'robots', detail: expect.any(String) }),
      ]),
    });
    expect(summary.failed).toEqual({
      total: 2,
      reasons: { 'redirect-loop': 1, 'rate-limited': 1 },
      examples: expect.arrayContaining([
        expect.objectContaining({ url: `${site.origin}/redirect-loop/a`, reason: 'redirect-loop' }),
      ]),
    });

    const status = await run('status');
    expect(status.code, status.stderr).toBe(0);
    const crawled = status.stdout.slice(status.stdout.indexOf('Crawled sites:'));
    expect(crawled).toMatch(/^Crawled sites:\n\s*SITE\s+PAGES\s+LAST CRAWL/);
    const row = crawled.split('\n').find((line) => line.trim().startsWith(source));
    expect(row).toMatch(
      new RegExp(`^\\s*${escapeRegExp(source)}\\s+${summary.new}\\s+\\d{4}-\\d{2}-\\d{2}T`),
    );
    expect(row).toContain('2 failed');
  });

  it('exits 2 with a clear message for URLs and options it cannot crawl, before any request', async () => {
    const { run } = await workspace();
    const requestsBefore = site.requests.length;
    const [file, private_, none, depth] = await Promise.all([
      run('crawl', 'file:///etc/passwd'),
      run('crawl', `${site.origin}/`, '--depth', '0'),
      run('crawl'),
      run('crawl', '--depth', '-1', 'http://x/'),
    ]);
    expect(file.code, file.stderr).toBe(2);
    expect(file.stderr).toMatch(/^error: .*http/m);
    expect(file.stdout).toBe('');
    expect(private_.code, private_.stderr).toBe(2);
    expect(private_.stderr).toMatch(/Refusing to crawl 127\.0\.0\.1/);
    expect(private_.stderr).toContain('--allow-private-networks');
    expect(none.code, none.stderr).toBe(2);
    expect(none.stderr).toMatch(/Name a URL to crawl, or list sites under crawl\.sites/);
    expect(depth.code, depth.stderr).toBe(2);
    expect(depth.stderr).toMatch(/--depth/);
    expect(site.requests.length).toBe(requestsBefore);
  });

  it('crawls the sites of crawl.sites when no URL is given', async () => {
    const { run } = await workspace(
      [
        '  sites:',
        `    - urls: ["${site.origin}/docs/intro"]`,
        '      depth: 0',
        '      source: widgetry-docs',
        '      allowPrivateNetworks: true',
      ].join('\n'),
    );
    const introRequests = site.countFor('/docs/intro');
    const crawl = await run('crawl');
    expect(crawl.code, crawl.stderr).toBe(0);
    expect(site.countFor('/docs/intro')).toBe(introRequests + 1);
    expect(crawl.stdout).toMatch(
      /^Crawled widgetry-docs: 1 fetched, 1 new, 0 updated, 0 unchanged, 0 removed/,
    );
    expect(crawl.stdout).not.toMatch(/Failed/);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
