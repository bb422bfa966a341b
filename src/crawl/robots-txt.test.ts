import { describe, expect, it } from 'vitest';
import { allowAllRobots, disallowAllRobots, parseRobotsTxt } from './robots-txt.ts';

const robotsUrl = 'https://example.com/robots.txt';
const userAgent = 'QuarryBot/0.1 (+https://quarry.example/bot)';

function rules(text: string, agent = userAgent) {
  return parseRobotsTxt(robotsUrl, text, agent);
}

describe('parseRobotsTxt', () => {
  it('applies to the other scheme of the same host (the crawl treats them as one site), not to other hosts', () => {
    const rules = parseRobotsTxt(
      'http://docs.example.com/robots.txt',
      'User-agent: *\nDisallow: /private/\n',
      'QuarryBot/0.1',
    );
    expect(rules.isAllowed('https://docs.example.com/private/x')).toBe(false);
    expect(rules.isAllowed('http://docs.example.com/private/x')).toBe(false);
    expect(rules.isAllowed('https://docs.example.com/public')).toBe(true);
    expect(rules.isAllowed('https://docs.example.com:8443/private/x')).toBe(true);
    expect(rules.isAllowed('http://other.example.com/private/x')).toBe(true);
  });

  it('applies the group named by the product token instead of the * group', () => {
    const robots = rules(
      ['User-agent: *', 'Disallow: /', '', 'User-agent: QuarryBot', 'Disallow: /private/'].join('\n'),
    );
    expect(robots.isAllowed('https://example.com/docs/')).toBe(true);
    expect(robots.isAllowed('https://example.com/private/a')).toBe(false);
  });

  it('matches the product token case-insensitively and ignores a version in the group', () => {
    const robots = rules(['User-agent: quarrybot/2.0', 'Disallow: /x'].join('\n'));
    expect(robots.isAllowed('https://example.com/x')).toBe(false);
  });

  it('finds the token in a user agent that does not start with it', () => {
    const robots = rules(
      ['User-agent: QuarryBot', 'Disallow: /x'].join('\n'),
      'QuarryBot (+https://q.example)',
    );
    expect(robots.isAllowed('https://example.com/x')).toBe(false);
  });

  it('falls back to the * group when no group names the token', () => {
    const robots = rules(
      ['User-agent: Googlebot', 'Disallow: /', '', 'User-agent: *', 'Disallow: /admin'].join('\n'),
    );
    expect(robots.isAllowed('https://example.com/admin/users')).toBe(false);
    expect(robots.isAllowed('https://example.com/docs')).toBe(true);
  });

  it('does not match a group whose name only contains or starts like the token', () => {
    const robots = rules(
      ['User-agent: Quarry', 'Disallow: /', '', 'User-agent: QuarryBotExtra', 'Disallow: /'].join('\n'),
    );
    expect(robots.isAllowed('https://example.com/a')).toBe(true);
  });

  it('lets the longest matching rule win and Allow win a tie', () => {
    const robots = rules(
      [
        'User-agent: *',
        'Disallow: /docs/',
        'Allow: /docs/public/',
        'Disallow: /docs/public/secret',
        'Allow: /page',
        'Disallow: /page',
      ].join('\n'),
    );
    expect(robots.isAllowed('https://example.com/docs/a')).toBe(false);
    expect(robots.isAllowed('https://example.com/docs/public/a')).toBe(true);
    expect(robots.isAllowed('https://example.com/docs/public/secret-plans')).toBe(false);
    expect(robots.isAllowed('https://example.com/page')).toBe(true);
  });

  it('supports * and $ in paths and matches the query too', () => {
    const robots = rules(['User-agent: *', 'Disallow: /*.pdf$', 'Disallow: /*?session='].join('\n'));
    expect(robots.isAllowed('https://example.com/files/a.pdf')).toBe(false);
    expect(robots.isAllowed('https://example.com/files/a.pdf.html')).toBe(true);
    expect(robots.isAllowed('https://example.com/cart?session=1')).toBe(false);
  });

  it('treats an empty Disallow as allow everything', () => {
    const robots = rules(
      ['User-agent: QuarryBot', 'Disallow:', '', 'User-agent: *', 'Disallow: /'].join('\n'),
    );
    expect(robots.isAllowed('https://example.com/anything')).toBe(true);
  });

  it('answers true for URLs of another host or port', () => {
    const robots = rules(['User-agent: *', 'Disallow: /'].join('\n'));
    expect(robots.isAllowed('https://example.com/a')).toBe(false);
    expect(robots.isAllowed('https://other.example/a')).toBe(true);
    expect(robots.isAllowed('https://example.com:8443/a')).toBe(true);
  });

  it('reads a file with a byte order mark, CRLF line ends and comments', () => {
    const robots = rules('\uFEFFUser-agent: * # everyone\r\nDisallow: /tmp # scratch\r\n');
    expect(robots.isAllowed('https://example.com/tmp/x')).toBe(false);
    expect(robots.isAllowed('https://example.com/docs')).toBe(true);
  });

  it('allows everything for an empty or nonsense file', () => {
    expect(rules('').isAllowed('https://example.com/a')).toBe(true);
    expect(rules('<html><body>Not found</body></html>').isAllowed('https://example.com/a')).toBe(true);
  });

  it('reads the crawl delay of the chosen group', () => {
    const text = ['User-agent: *', 'Crawl-delay: 10', '', 'User-agent: QuarryBot', 'Crawl-delay: 2.5'].join(
      '\n',
    );
    expect(rules(text).crawlDelaySeconds).toBe(2.5);
    expect(rules(text, 'OtherBot/1.0').crawlDelaySeconds).toBe(10);
  });

  it('does not take the * crawl delay when our own group sets none', () => {
    const text = ['User-agent: *', 'Crawl-delay: 10', '', 'User-agent: QuarryBot', 'Disallow: /x'].join('\n');
    expect(rules(text).crawlDelaySeconds).toBeUndefined();
  });

  it('caps the crawl delay at 60 seconds and ignores nonsense', () => {
    expect(rules('User-agent: *\nCrawl-delay: 3600').crawlDelaySeconds).toBe(60);
    expect(rules('User-agent: *\nCrawl-delay: -5').crawlDelaySeconds).toBeUndefined();
    expect(rules('User-agent: *\nCrawl-delay: soon').crawlDelaySeconds).toBeUndefined();
    expect(rules('User-agent: *\nCrawl-delay: 0').crawlDelaySeconds).toBeUndefined();
    expect(rules('User-agent: *\nDisallow: /x').crawlDelaySeconds).toBeUndefined();
  });

  it('lists sitemaps resolved, normalised and de-duplicated', () => {
    const robots = rules(
      [
        'Sitemap: https://example.com/sitemap.xml',
        'User-agent: *',
        'Disallow: /x',
        'Sitemap: /news-sitemap.xml',
        'Sitemap: https://EXAMPLE.com/sitemap.xml#again',
        'Sitemap: ftp://example.com/sitemap.xml',
      ].join('\n'),
    );
    expect(robots.sitemaps).toEqual([
      'https://example.com/sitemap.xml',
      'https://example.com/news-sitemap.xml',
    ]);
  });

  it('ignores whatever follows the first 500 KiB, by whole lines', () => {
    const padding = `# ${'x'.repeat(98)}\n`.repeat(5130);
    const robots = rules(`User-agent: *\nDisallow: /a\n${padding}Disallow: /b\n`);
    expect(robots.isAllowed('https://example.com/a')).toBe(false);
    expect(robots.isAllowed('https://example.com/b')).toBe(true);
  });
});

describe('allowAllRobots and disallowAllRobots', () => {
  it('allow everything or nothing, with no delay and no sitemaps', () => {
    expect(allowAllRobots().isAllowed('https://example.com/a')).toBe(true);
    expect(disallowAllRobots().isAllowed('https://example.com/a')).toBe(false);
    expect(allowAllRobots().crawlDelaySeconds).toBeUndefined();
    expect(disallowAllRobots().sitemaps).toEqual([]);
  });
});
