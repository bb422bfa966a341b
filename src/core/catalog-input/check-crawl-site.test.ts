import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import { checkCrawlFinish, checkCrawlSiteName, checkCrawlStart } from './check-crawl-site.ts';

describe('crawl site checks', () => {
  it('check the start of a crawl', () => {
    expect(checkCrawlStart({ name: 'docs', startUrls: ['https://example.com/'] }, 'now')).toEqual({
      name: 'docs',
      startUrls: ['https://example.com/'],
      startedAt: 'now',
    });
    expect(() => checkCrawlStart(null as never, 'now')).toThrow('A crawl site must be an object.');
    expect(() => checkCrawlStart({ name: 'docs', startUrls: [] }, '')).toThrow(
      'The start time of the crawl of docs must be an ISO 8601 string.',
    );
  });

  it('check the end of a crawl, keeping the summary as JSON text', () => {
    expect(checkCrawlFinish('docs', 'then', { pages: 3 })).toEqual({
      name: 'docs',
      finishedAt: 'then',
      summary: '{"pages":3}',
    });
    expect(() => checkCrawlFinish('docs', 'then', [] as never)).toThrow(
      'The summary of the crawl of docs must be a plain object that JSON can store.',
    );
  });

  it('refuse an empty site name', () => {
    expect(() => checkCrawlSiteName('')).toThrow(ValidationError);
    expect(() => checkCrawlSiteName('')).toThrow('The name of a crawl site must be a non-empty string.');
  });
});
