import { describe, expect, it } from 'vitest';
import {
  apiKeyUrl,
  conversationUrl,
  downloadFileName,
  encodePathSegments,
  isExternalUrl,
  repositoryUrl,
  safeLinkUrl,
  searchUrl,
  sourceContentUrl,
  userUrl,
} from './urls.ts';

describe('source and API URLs', () => {
  it('encodes each key segment and keeps the slashes', () => {
    expect(sourceContentUrl('current/honojs/hono/v4.6.0/src/hono base.ts')).toBe(
      '/api/sources/current/honojs/hono/v4.6.0/src/hono%20base.ts',
    );
    expect(sourceContentUrl('current/a/b/#1?x=%.md')).toBe('/api/sources/current/a/b/%231%3Fx%3D%25.md');
    expect(encodePathSegments('a/../b')).toBe('a/../b');
  });

  it('builds repository and conversation URLs', () => {
    expect(repositoryUrl('honojs/hono')).toBe('/api/repos/honojs/hono');
    expect(repositoryUrl('owner/name with space')).toBe('/api/repos/owner/name%20with%20space');
    expect(conversationUrl('abc/def')).toBe('/api/conversations/abc%2Fdef');
  });

  it('builds API key and account URLs', () => {
    expect(apiKeyUrl('AbC-123_x')).toBe('/api/keys/AbC-123_x');
    expect(apiKeyUrl('a/b?c')).toBe('/api/keys/a%2Fb%3Fc');
    expect(userUrl('jane.doe')).toBe('/api/users/jane.doe');
    expect(userUrl('a b')).toBe('/api/users/a%20b');
  });

  it('builds a search URL and leaves out empty filters', () => {
    expect(searchUrl({ query: 'router & middleware', repo: 'honojs/hono', version: ' ', path: 'src/' })).toBe(
      '/api/search?q=router+%26+middleware&k=10&repo=honojs%2Fhono&path=src%2F',
    );
    expect(searchUrl({ query: 'x', limit: 5, language: 'typescript' })).toBe(
      '/api/search?q=x&k=5&lang=typescript',
    );
  });

  it('names a download after the last key segment', () => {
    expect(downloadFileName('code_output/2025/06/01/abc-hello.py')).toBe('abc-hello.py');
    expect(downloadFileName('')).toBe('download.txt');
  });
});

describe('safeLinkUrl', () => {
  it('keeps http(s) and relative URLs', () => {
    for (const url of [
      'https://example.com/a',
      'HTTP://example.com',
      '/api/x',
      'docs/page.md',
      '#cite-1',
      '//cdn.example.com/x',
      '?q=1',
    ]) {
      expect(safeLinkUrl(url)).toBe(url);
    }
  });

  it('drops script and other schemes, also when disguised', () => {
    for (const url of [
      'javascript:alert(1)',
      'JavaScript:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox',
      'file:///etc/passwd',
      'mailto:a@example.com',
    ]) {
      expect(safeLinkUrl(url)).toBe('');
    }
  });

  it('tells external URLs from in-app ones', () => {
    expect(isExternalUrl('https://example.com')).toBe(true);
    expect(isExternalUrl('//example.com')).toBe(true);
    expect(isExternalUrl('/api/x')).toBe(false);
    expect(isExternalUrl('#cite-1')).toBe(false);
  });
});
