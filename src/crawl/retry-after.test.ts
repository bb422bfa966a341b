import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { parseRetryAfter, type RetryDelayOptions, retryDelayMs } from './retry-after.ts';

const now = new Date('2026-03-01T12:00:00Z');

function delay(options: Partial<RetryDelayOptions>) {
  return retryDelayMs({ retryAfter: undefined, attempt: 0, baseDelayMs: 1000, now, ...options });
}

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
  });

  it('reads the three HTTP-date forms', () => {
    expect(parseRetryAfter('Sun, 01 Mar 2026 12:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Sunday, 01-Mar-26 12:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Sun Mar  1 12:00:05 2026', now)).toBe(5_000);
  });

  it('answers 0 for a date in the past', () => {
    expect(parseRetryAfter('Sat, 28 Feb 2026 12:00:00 GMT', now)).toBe(0);
  });

  it('answers undefined for a missing, negative, fractional or unreadable value', () => {
    for (const value of [
      undefined,
      '',
      '-5',
      '1.5',
      '10s',
      'soon',
      '2026-03-01T12:00:30Z',
      '9'.repeat(400),
    ]) {
      expect(parseRetryAfter(value, now)).toBeUndefined();
    }
  });
});

describe('retryDelayMs', () => {
  it('uses the Retry-After header when it is valid', () => {
    expect(delay({ retryAfter: '7', attempt: 3 })).toBe(7_000);
    expect(delay({ retryAfter: 'Sun, 01 Mar 2026 12:00:02 GMT' })).toBe(2_000);
    expect(delay({ retryAfter: 'Sun, 01 Mar 2020 12:00:00 GMT' })).toBe(0);
  });

  it('backs off exponentially with jitter between 50% and 100%', () => {
    expect(delay({ attempt: 0, random: () => 0 })).toBe(500);
    expect(delay({ attempt: 0, random: () => 0.999_999 })).toBe(1000);
    expect(delay({ attempt: 3, random: () => 0 })).toBe(4000);
    expect(delay({ attempt: 3, random: () => 0.5 })).toBe(6000);
  });

  it('stays within the jitter bounds with the real random source', () => {
    for (let run = 0; run < 200; run += 1) {
      const value = delay({ attempt: 2 });
      expect(value).toBeGreaterThanOrEqual(2000);
      expect(value).toBeLessThanOrEqual(4000);
    }
  });

  it('falls back to backoff for a negative or invalid header', () => {
    expect(delay({ retryAfter: '-30', attempt: 1, random: () => 0 })).toBe(1000);
    expect(delay({ retryAfter: 'later', attempt: 1, random: () => 0 })).toBe(1000);
  });

  it('keeps the backoff finite for a large attempt', () => {
    expect(Number.isFinite(delay({ attempt: 5000, random: () => 0 }))).toBe(true);
  });

  it('rejects a bad attempt or base delay', () => {
    expect(() => delay({ attempt: -1 })).toThrow(ValidationError);
    expect(() => delay({ attempt: 1.5 })).toThrow(ValidationError);
    expect(() => delay({ baseDelayMs: -1 })).toThrow(ValidationError);
    expect(() => delay({ baseDelayMs: Number.NaN })).toThrow(ValidationError);
  });
});
