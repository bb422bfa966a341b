import { describe, expect, it } from 'vitest';
import { describeUrlSafely, redactUrlSecrets } from './safe-url.ts';

describe('describeUrlSafely', () => {
  it('keeps only scheme and host of a Slack hook', () => {
    expect(describeUrlSafely('https://hooks.slack.com/services/T00/B00/XXXX')).toBe(
      'https://hooks.slack.com/…',
    );
  });

  it('keeps a non-default port and drops the query', () => {
    expect(describeUrlSafely('http://127.0.0.1:8080/hook?token=abc123')).toBe('http://127.0.0.1:8080/…');
  });

  it('drops userinfo even when there is no path', () => {
    const described = describeUrlSafely('https://user:p4ssw0rd@example.com/');
    expect(described).toBe('https://example.com/…');
    expect(described).not.toContain('p4ssw0rd');
    expect(described).not.toContain('user');
  });

  it('drops the fragment', () => {
    expect(describeUrlSafely('https://example.com/#secret')).toBe('https://example.com/…');
  });

  it('shows a bare origin as it is', () => {
    expect(describeUrlSafely('https://example.com')).toBe('https://example.com/');
  });

  it('keeps IPv6 hosts and drops default ports', () => {
    expect(describeUrlSafely('https://[::1]:443/x')).toBe('https://[::1]/…');
  });

  it('never echoes text that is not a URL', () => {
    expect(describeUrlSafely('not a url with s3cr3t')).toBe('an invalid URL');
  });

  it('hides the whole content of an opaque URL', () => {
    expect(describeUrlSafely('mailto:team@example.com')).toBe('mailto:…');
  });
});

describe('redactUrlSecrets', () => {
  const url = 'https://bot:hunter2@hooks.example.com/services/T0001/B0002/abcdefSECRET?token=qwerty123';

  it('removes the whole URL and each secret part from a text', () => {
    const text = `POST ${url} failed; token qwerty123 for abcdefSECRET by bot with hunter2`;
    const redacted = redactUrlSecrets(text, url);
    for (const secret of ['qwerty123', 'abcdefSECRET', 'hunter2', 'bot', 'T0001', 'B0002']) {
      expect(redacted).not.toContain(secret);
    }
    expect(redacted).toContain('failed');
  });

  it('also removes percent-decoded forms', () => {
    const encoded = 'https://example.com/hook/a%20secret%2Fvalue';
    expect(redactUrlSecrets('got a secret/value back', encoded)).toBe('got … back');
  });

  it('leaves short path words alone', () => {
    expect(redactUrlSecrets('the api said no', 'https://example.com/api/v1/LONGSECRET')).toBe(
      'the api said no',
    );
  });

  it('still removes an invalid URL given whole', () => {
    expect(redactUrlSecrets('bad: not-a-url-s3cret', 'not-a-url-s3cret')).toBe('bad: …');
  });
});
