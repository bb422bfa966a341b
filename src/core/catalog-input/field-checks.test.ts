import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import {
  checkCount,
  checkNonEmptyText,
  checkOptionalText,
  checkTimeText,
  checkUrls,
} from './field-checks.ts';

describe('field checks', () => {
  it('pass good values through', () => {
    expect(checkNonEmptyText('docs', 'The name')).toBe('docs');
    expect(checkOptionalText(null, 'The title')).toBeNull();
    expect(checkTimeText('2025-03-01T10:00:00Z', 'The time')).toBe('2025-03-01T10:00:00Z');
    expect(checkCount('limit', undefined, 'Leave it out.')).toBeUndefined();
    expect(checkCount('limit', 0, 'Leave it out.')).toBe(0);
  });

  it('copy URL lists, so later changes to the caller’s array cannot reach them', () => {
    const urls = ['https://example.com/'];
    const checked = checkUrls(urls, 'The URLs');
    urls.push('https://example.com/other');
    expect(checked).toEqual(['https://example.com/']);
  });

  it('refuse bad values, naming the field', () => {
    expect(() => checkNonEmptyText('', 'The URL')).toThrow('The URL must be a non-empty string.');
    expect(() => checkOptionalText(1, 'The ETag')).toThrow('The ETag must be a string or null.');
    expect(() => checkTimeText('', 'The fetch time')).toThrow('The fetch time must be an ISO 8601 string.');
    expect(() => checkUrls(['a', ''], 'The out-links')).toThrow(
      'The out-links must be an array of non-empty strings.',
    );
    expect(() => checkCount('sync run limit', -1, 'Leave it out.')).toThrow(ValidationError);
    expect(() => checkCount('sync run limit', 1.5, 'Leave it out.')).toThrow(
      'The sync run limit must be a whole number of 0 or more, got 1.5.',
    );
  });
});
