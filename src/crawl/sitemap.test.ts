import { describe, expect, it } from 'vitest';
import { maxSitemapUrls, parseSitemap, parseW3cDate } from './sitemap.ts';

const header = '<?xml version="1.0" encoding="UTF-8"?>';
const namespace = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';

describe('parseSitemap', () => {
  it('reads the pages of a urlset with their last modification dates', () => {
    const xml = `${header}
      <urlset ${namespace}>
        <url>
          <loc>
            https://example.com/docs/
          </loc>
          <lastmod>2024-05-01T10:30:00+02:00</lastmod>
          <changefreq>weekly</changefreq>
          <priority>0.8</priority>
        </url>
        <url><loc>https://example.com/docs/intro</loc></url>
      </urlset>`;
    expect(parseSitemap(xml)).toEqual({
      pages: [
        { url: 'https://example.com/docs/', lastModified: new Date('2024-05-01T08:30:00Z') },
        { url: 'https://example.com/docs/intro' },
      ],
      sitemaps: [],
    });
  });

  it('reads the child sitemaps of a sitemap index', () => {
    const xml = `${header}
      <sitemapindex ${namespace}>
        <sitemap><loc>https://example.com/sitemap-docs.xml</loc><lastmod>2024-01-01</lastmod></sitemap>
        <sitemap><loc>https://example.com/sitemap-blog.xml.gz</loc></sitemap>
      </sitemapindex>`;
    expect(parseSitemap(xml)).toEqual({
      pages: [],
      sitemaps: ['https://example.com/sitemap-docs.xml', 'https://example.com/sitemap-blog.xml.gz'],
    });
  });

  it('reads CDATA sections and decodes entities', () => {
    const xml = `<urlset>
      <url><loc><![CDATA[ https://example.com/search?a=1&b=2 ]]></loc></url>
      <url><loc>https://example.com/list?a=1&amp;b=2</loc></url>
    </urlset>`;
    expect(parseSitemap(xml).pages.map((page) => page.url)).toEqual([
      'https://example.com/search?a=1&b=2',
      'https://example.com/list?a=1&b=2',
    ]);
  });

  it('does not take the locations of images or videos for pages', () => {
    const xml = `<urlset ${namespace} xmlns:image="http://www.google.com/schemas/sitemap-image/1.1">
      <url>
        <loc>https://example.com/gallery</loc>
        <image:image><image:loc>https://example.com/photo.jpg</image:loc></image:image>
      </url>
    </urlset>`;
    expect(parseSitemap(xml).pages).toEqual([{ url: 'https://example.com/gallery' }]);
  });

  it('skips entries without a location or with one that is not an absolute http(s) URL', () => {
    const xml = `<urlset>
      <url><lastmod>2024-01-01</lastmod></url>
      <url><loc></loc></url>
      <url><loc>/relative/page</loc></url>
      <url><loc>ftp://example.com/file</loc></url>
      <url><loc>https://example.com/ok</loc></url>
    </urlset>`;
    expect(parseSitemap(xml).pages).toEqual([{ url: 'https://example.com/ok' }]);
  });

  it('leaves out a last modification date that is not a date', () => {
    const xml = `<urlset>
      <url><loc>https://example.com/a</loc><lastmod>yesterday</lastmod></url>
      <url><loc>https://example.com/b</loc><lastmod>2024-02-30</lastmod></url>
    </urlset>`;
    expect(parseSitemap(xml).pages).toEqual([
      { url: 'https://example.com/a' },
      { url: 'https://example.com/b' },
    ]);
  });

  it('returns what was read before broken XML and never throws', () => {
    const xml = `<urlset>
      <url><loc>https://example.com/a</loc></url>
      <url><loc>https://example.com/b</loc></url>
      <url><loc>https://example.com/c`;
    expect(parseSitemap(xml).pages.map((page) => page.url)).toEqual([
      'https://example.com/a',
      'https://example.com/b',
    ]);
    for (const garbage of [
      '',
      'not xml at all',
      '<<<>>>',
      '<urlset><url><loc>',
      '</url></urlset>',
      '\u0000\uFFFF',
    ]) {
      expect(parseSitemap(garbage)).toEqual({ pages: [], sitemaps: [] });
    }
  });

  it('reads an HTML error page as an empty sitemap', () => {
    expect(parseSitemap('<!doctype html><html><body><a href="/x">x</a></body></html>')).toEqual({
      pages: [],
      sitemaps: [],
    });
  });

  it(`keeps only the first ${maxSitemapUrls} URLs of a file`, () => {
    const entries = Array.from(
      { length: maxSitemapUrls + 5 },
      (_, index) => `<url><loc>https://example.com/p/${index}</loc></url>`,
    );
    const pages = parseSitemap(`<urlset>${entries.join('')}</urlset>`).pages;
    expect(pages).toHaveLength(maxSitemapUrls);
    expect(pages.at(-1)?.url).toBe(`https://example.com/p/${maxSitemapUrls - 1}`);
  });
});

describe('parseW3cDate', () => {
  it('reads every precision the sitemap protocol allows', () => {
    expect(parseW3cDate('2024')).toEqual(new Date('2024-01-01T00:00:00Z'));
    expect(parseW3cDate('2024-07')).toEqual(new Date('2024-07-01T00:00:00Z'));
    expect(parseW3cDate('2024-07-15')).toEqual(new Date('2024-07-15T00:00:00Z'));
    expect(parseW3cDate('2024-07-15T09:05+01:00')).toEqual(new Date('2024-07-15T08:05:00Z'));
    expect(parseW3cDate('2024-07-15T09:05:30.25Z')).toEqual(new Date('2024-07-15T09:05:30.250Z'));
    expect(parseW3cDate('2024-07-15T09:05:30-0500')).toEqual(new Date('2024-07-15T14:05:30Z'));
  });

  it('reads a time without a zone as UTC', () => {
    expect(parseW3cDate('2024-07-15T09:05:30')).toEqual(new Date('2024-07-15T09:05:30Z'));
  });

  it('rejects impossible dates and text that is not a W3C date', () => {
    for (const value of [
      '1',
      'yesterday',
      '2024-13-01',
      '2024-02-30',
      '2024-07-15T25:00Z',
      '15/07/2024',
      '',
    ]) {
      expect(parseW3cDate(value)).toBeUndefined();
    }
    expect(parseW3cDate('2024-02-29')).toEqual(new Date('2024-02-29T00:00:00Z'));
  });
});
