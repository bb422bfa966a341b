import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import type { CrawlPageRecord } from '../ports/crawl-catalog.ts';
import { checkCrawlPages } from './check-crawl-page.ts';

const page: CrawlPageRecord = {
  site: 'docs',
  url: 'https://example.com/',
  etag: null,
  lastModified: null,
  contentHash: 'abc',
  title: 'Home',
  documentPath: 'crawl/docs/home.md',
  outLinks: ['https://example.com/a'],
  fetchedAt: '2025-03-01T10:00:00.000Z',
};

describe('checkCrawlPages', () => {
  it('returns copies that later changes to the given pages cannot reach', () => {
    const given = { ...page, outLinks: [...page.outLinks] };
    const [checked] = checkCrawlPages([given]);
    given.outLinks.push('https://example.com/b');
    expect(checked).toEqual(page);
  });

  it('names the page of the batch and the field to fix', () => {
    expect(() => checkCrawlPages([page, { ...page, url: '' }])).toThrow(
      'The URL of crawl page 2 of the batch must be a non-empty string.',
    );
    expect(() => checkCrawlPages([null as unknown as CrawlPageRecord])).toThrow(
      'Crawl page 1 of the batch is not an object.',
    );
    expect(() => checkCrawlPages({} as CrawlPageRecord[])).toThrow(ValidationError);
  });
});
