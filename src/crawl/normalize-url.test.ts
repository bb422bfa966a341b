import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { normalizeUrl, resolveCanonical } from './normalize-url.ts';

describe('normalizeUrl', () => {
  it('resolves relative links against the base', () => {
    expect(normalizeUrl('../guide/intro', 'https://example.com/docs/api/page')).toBe(
      'https://example.com/docs/guide/intro',
    );
    expect(normalizeUrl('/about', 'https://example.com/docs/')).toBe('https://example.com/about');
    expect(normalizeUrl('//cdn.example.org/x', 'https://example.com/')).toBe('https://cdn.example.org/x');
    expect(normalizeUrl('?page=2', 'https://example.com/list?page=1')).toBe(
      'https://example.com/list?page=2',
    );
  });

  it('returns undefined for links that are not http or https', () => {
    for (const link of [
      'mailto:someone@example.com',
      'javascript:alert(1)',
      'data:text/html,<p>hi</p>',
      'ftp://example.com/file',
      'tel:+4912345',
      'file:///etc/passwd',
    ]) {
      expect(normalizeUrl(link, 'https://example.com/')).toBeUndefined();
    }
  });

  it('returns undefined for text that is not a URL', () => {
    expect(normalizeUrl('not a url')).toBeUndefined();
    expect(normalizeUrl('https://exa mple.com/')).toBeUndefined();
    expect(normalizeUrl('http://')).toBeUndefined();
  });

  it('ignores a base that is not a URL, so absolute links still resolve', () => {
    expect(normalizeUrl('https://example.com/a', 'nonsense')).toBe('https://example.com/a');
    expect(normalizeUrl('/a', 'nonsense')).toBeUndefined();
  });

  it('lowercases scheme and host but keeps the case of the path', () => {
    expect(normalizeUrl('HTTPS://Docs.Example.COM/API/Reference')).toBe(
      'https://docs.example.com/API/Reference',
    );
  });

  it('drops default ports and keeps others', () => {
    expect(normalizeUrl('http://example.com:80/a')).toBe('http://example.com/a');
    expect(normalizeUrl('https://example.com:443/a')).toBe('https://example.com/a');
    expect(normalizeUrl('https://example.com:8443/a')).toBe('https://example.com:8443/a');
    expect(normalizeUrl('http://example.com:443/a')).toBe('http://example.com:443/a');
  });

  it('drops the fragment and userinfo', () => {
    expect(normalizeUrl('https://user:secret@example.com/a#section-2')).toBe('https://example.com/a');
    expect(normalizeUrl('#top', 'https://example.com/page')).toBe('https://example.com/page');
  });

  it('removes an empty query and empty parameters', () => {
    expect(normalizeUrl('https://example.com/a?')).toBe('https://example.com/a');
    expect(normalizeUrl('https://example.com/a?&&b=1&')).toBe('https://example.com/a?b=1');
  });

  it('removes tracking parameters, whatever their case', () => {
    expect(
      normalizeUrl(
        'https://example.com/a?utm_source=x&UTM_Medium=y&fbclid=1&gclid=2&mc_cid=3&mc_eid=4&ref_src=twsrc&id=7',
      ),
    ).toBe('https://example.com/a?id=7');
    expect(normalizeUrl('https://example.com/a?utm_campaign=z')).toBe('https://example.com/a');
  });

  it('keeps parameters that only look like tracking ones', () => {
    expect(normalizeUrl('https://example.com/a?utm=1&ref=home')).toBe('https://example.com/a?ref=home&utm=1');
  });

  it('sorts parameters by name and keeps the order of repeated names', () => {
    expect(normalizeUrl('https://example.com/s?q=x&tag=b&a=1&tag=a')).toBe(
      'https://example.com/s?a=1&q=x&tag=b&tag=a',
    );
  });

  it('keeps the exact encoding of parameters', () => {
    expect(normalizeUrl('https://example.com/s?q=a+b&path=/x/y&flag')).toBe(
      'https://example.com/s?flag&path=/x/y&q=a+b',
    );
    expect(normalizeUrl('https://example.com/s?q=%2F')).toBe('https://example.com/s?q=%2F');
  });

  it('gives the same result for equivalent links', () => {
    const forms = [
      'https://example.com/docs?b=2&a=1',
      'https://EXAMPLE.com:443/docs?a=1&b=2#intro',
      'https://example.com/x/../docs?a=1&utm_source=news&b=2',
    ];
    expect(new Set(forms.map((form) => normalizeUrl(form))).size).toBe(1);
  });

  it('is idempotent', () => {
    const once = normalizeUrl('HTTPS://Example.com:443/a b/ü?z=1&a=ä#f');
    expect(once).toBe('https://example.com/a%20b/%C3%BC?a=%C3%A4&z=1');
    expect(normalizeUrl(once ?? '')).toBe(once);
  });
});

describe('resolveCanonical', () => {
  const page = 'https://example.com/docs/page?utm_source=x';

  it('uses a canonical link on the same host', () => {
    expect(resolveCanonical('https://example.com/docs/page-v2#top', page)).toBe(
      'https://example.com/docs/page-v2',
    );
  });

  it('resolves a relative canonical link against the page', () => {
    expect(resolveCanonical('../intro', page)).toBe('https://example.com/intro');
  });

  it('accepts a canonical link that only changes the scheme', () => {
    expect(resolveCanonical('https://example.com/a', 'http://example.com/a')).toBe('https://example.com/a');
  });

  it('ignores a canonical link to another host or port', () => {
    expect(resolveCanonical('https://victim.example.org/docs/page', page)).toBe(
      'https://example.com/docs/page',
    );
    expect(resolveCanonical('https://example.com:8443/docs/page', page)).toBe(
      'https://example.com/docs/page',
    );
  });

  it('ignores a missing, empty or non-http canonical link', () => {
    expect(resolveCanonical(undefined, page)).toBe('https://example.com/docs/page');
    expect(resolveCanonical('  ', page)).toBe('https://example.com/docs/page');
    expect(resolveCanonical('javascript:void(0)', page)).toBe('https://example.com/docs/page');
  });

  it('rejects a page URL that is not http or https', () => {
    expect(() => resolveCanonical('/a', 'ftp://example.com/')).toThrow(ValidationError);
  });
});
