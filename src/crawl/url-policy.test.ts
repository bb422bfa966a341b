import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { createUrlPolicy, type UrlPolicyOptions, UrlTrapGuard, urlPatternOf } from './url-policy.ts';

function policy(options: Partial<UrlPolicyOptions> = {}) {
  return createUrlPolicy({ startUrls: ['https://example.com/docs/'], include: [], exclude: [], ...options });
}

describe('createUrlPolicy', () => {
  it('allows pages on a start host', () => {
    expect(policy().check('https://example.com/docs/intro')).toEqual({ allowed: true });
    expect(policy().check('http://example.com/other')).toEqual({ allowed: true });
  });

  it('rejects other hosts, other ports and subdomains', () => {
    const check = policy({ startUrls: ['https://example.com/', 'https://docs.example.org:8443/'] });
    expect(check.check('https://docs.example.org:8443/a')).toEqual({ allowed: true });
    for (const url of [
      'https://docs.example.org/a',
      'https://www.example.com/a',
      'https://example.com.evil.test/a',
      'https://example.com:8080/a',
    ]) {
      expect(check.check(url)).toEqual({ allowed: false, reason: 'other-host' });
    }
  });

  it('rejects URLs that are not http(s) as other hosts', () => {
    expect(policy().check('ftp://example.com/a')).toEqual({ allowed: false, reason: 'other-host' });
    expect(policy().check('not a url')).toEqual({ allowed: false, reason: 'other-host' });
  });

  it('rejects files that cannot be indexed as pages, whatever the case of the extension', () => {
    for (const path of [
      '/logo.PNG',
      '/a/manual.pdf',
      '/app.js',
      '/style.css',
      '/font.woff2',
      '/b/setup.exe',
    ]) {
      expect(policy().check(`https://example.com${path}`)).toEqual({ allowed: false, reason: 'file-type' });
    }
    expect(policy().check('https://example.com/release.tar.gz')).toEqual({
      allowed: false,
      reason: 'file-type',
    });
  });

  it('keeps pages whose names have no or a page extension', () => {
    for (const path of ['/guide.html', '/index.php', '/readme.md', '/v1.2/', '/.well-known/page', '/a.b/c']) {
      expect(policy().check(`https://example.com${path}`)).toEqual({ allowed: true });
    }
    // Only the path decides: a download script is a page until its content type says otherwise.
    expect(policy().check('https://example.com/get?file=a.zip')).toEqual({ allowed: true });
  });

  it('rejects paths matching an exclude glob', () => {
    const check = policy({ exclude: ['/blog/**', 'private/*'] });
    expect(check.check('https://example.com/blog/2024/post')).toEqual({ allowed: false, reason: 'excluded' });
    expect(check.check('https://example.com/blog')).toEqual({ allowed: false, reason: 'excluded' });
    expect(check.check('https://example.com/private/a')).toEqual({ allowed: false, reason: 'excluded' });
    expect(check.check('https://example.com/docs/blog')).toEqual({ allowed: true });
  });

  it('matches globs against the path only, never the query', () => {
    const check = policy({ exclude: ['/search'] });
    expect(check.check('https://example.com/search?q=x')).toEqual({ allowed: false, reason: 'excluded' });
  });

  it('matches globs against the decoded path too', () => {
    const check = policy({ include: ['/café/**'] });
    expect(check.check('https://example.com/caf%C3%A9/menu')).toEqual({ allowed: true });
  });

  it('rejects paths matching no include glob when there are some', () => {
    const check = policy({ include: ['/docs/**', '/api/*'] });
    expect(check.check('https://example.com/docs/a/b')).toEqual({ allowed: true });
    expect(check.check('https://example.com/api/x')).toEqual({ allowed: true });
    expect(check.check('https://example.com/pricing')).toEqual({ allowed: false, reason: 'not-included' });
  });

  it('lets exclude win over include', () => {
    const check = policy({ include: ['/docs/**'], exclude: ['/docs/old/**'] });
    expect(check.check('https://example.com/docs/old/a')).toEqual({ allowed: false, reason: 'excluded' });
  });

  it('checks the rules in order: host, file type, exclude, include', () => {
    const check = policy({ include: ['/docs/**'], exclude: ['/img/**'] });
    expect(check.check('https://other.test/img/a.png')).toEqual({ allowed: false, reason: 'other-host' });
    expect(check.check('https://example.com/img/a.png')).toEqual({ allowed: false, reason: 'file-type' });
    expect(check.check('https://example.com/img/a')).toEqual({ allowed: false, reason: 'excluded' });
  });

  it('rejects URLs longer than 2,000 characters', () => {
    const url = `https://example.com/${'a'.repeat(1990)}`;
    expect(policy().check(url)).toEqual({ allowed: false, reason: 'url-trap' });
    expect(policy().check(url.slice(0, 2000))).toEqual({ allowed: true });
  });

  it('rejects paths deeper than 15 segments', () => {
    const segments = Array.from({ length: 16 }, (_, index) => `s${String.fromCharCode(97 + index)}`);
    expect(policy().check(`https://example.com/${segments.join('/')}`)).toEqual({
      allowed: false,
      reason: 'url-trap',
    });
    expect(policy().check(`https://example.com/${segments.slice(0, 15).join('/')}`)).toEqual({
      allowed: true,
    });
  });

  it('rejects a path segment repeated three times', () => {
    expect(policy().check('https://example.com/docs/api/docs/api/docs/api')).toEqual({
      allowed: false,
      reason: 'url-trap',
    });
    expect(policy().check('https://example.com/docs/api/docs/api')).toEqual({ allowed: true });
  });

  it('rejects more than 10 query parameters', () => {
    const query = (count: number) => Array.from({ length: count }, (_, index) => `p${index}=1`).join('&');
    expect(policy().check(`https://example.com/s?${query(11)}`)).toEqual({
      allowed: false,
      reason: 'url-trap',
    });
    expect(policy().check(`https://example.com/s?${query(10)}`)).toEqual({ allowed: true });
  });

  it('ends a calendar that links each month to the next', () => {
    const check = policy({ maxPagesPerPattern: 12 });
    const answers = Array.from({ length: 40 }, (_, index) => {
      const month = `${2026 + Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;
      return check.check(`https://example.com/calendar?month=${month}`).allowed;
    });
    expect(answers.filter(Boolean)).toHaveLength(12);
    expect(answers.slice(12).every((allowed) => !allowed)).toBe(true);
    expect(check.check('https://example.com/calendar?month=2030-01')).toEqual({
      allowed: false,
      reason: 'url-trap',
    });
    // Another pattern on the same site has its own budget.
    expect(check.check('https://example.com/calendar?view=week')).toEqual({ allowed: true });
  });

  it('ends date-shaped event paths with the default budget of 100', () => {
    const check = policy();
    let admitted = 0;
    for (let year = 2020; year < 2040; year += 1) {
      for (let month = 1; month <= 12; month += 1) {
        if (check.check(`https://example.com/events/${year}/${String(month).padStart(2, '0')}/`).allowed) {
          admitted += 1;
        }
      }
    }
    expect(admitted).toBe(100);
  });

  it('does not spend the budget on rejected URLs or on asking twice', () => {
    const check = policy({ maxPagesPerPattern: 2, exclude: ['/p/9'] });
    expect(check.check('https://example.com/p/9').allowed).toBe(false);
    expect(check.check('https://example.com/p/1').allowed).toBe(true);
    expect(check.check('https://example.com/p/1').allowed).toBe(true);
    expect(check.check('https://example.com/p/2').allowed).toBe(true);
    expect(check.check('https://example.com/p/1').allowed).toBe(true);
    expect(check.check('https://example.com/p/3')).toEqual({ allowed: false, reason: 'url-trap' });
  });

  it('rejects bad options with a ValidationError', () => {
    expect(() => policy({ startUrls: [] })).toThrow(ValidationError);
    expect(() => policy({ startUrls: ['mailto:a@example.com'] })).toThrow(ValidationError);
    expect(() => policy({ maxPagesPerPattern: 0 })).toThrow(ValidationError);
    expect(() => policy({ maxPagesPerPattern: 1.5 })).toThrow(ValidationError);
  });
});

describe('urlPatternOf', () => {
  it('replaces digit runs, drops query values and sorts query names', () => {
    expect(urlPatternOf(new URL('https://example.com/events/2027/01/'))).toBe('example.com/events/#/#/');
    expect(urlPatternOf(new URL('https://example.com/cal?view=grid&month=2026-12&view=x'))).toBe(
      'example.com/cal?month&view',
    );
    expect(urlPatternOf(new URL('https://example.com:8080/v2/page10'))).toBe('example.com:8080/v#/page#');
  });
});

describe('UrlTrapGuard', () => {
  it('admits URLs of one pattern up to its budget', () => {
    const guard = new UrlTrapGuard(1);
    expect(guard.admit(new URL('https://example.com/a/1'))).toBe(true);
    expect(guard.admit(new URL('https://example.com/a/2'))).toBe(false);
    expect(guard.admit(new URL('https://example.com/b/2'))).toBe(true);
  });
});
