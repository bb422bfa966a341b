import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import { isoInstant } from './iso-instant.ts';

describe('isoInstant', () => {
  it('writes any ISO 8601 time as toISOString() does, so text order is time order', () => {
    expect(isoInstant('2025-03-01T12:00:00+02:00', 'The time')).toBe('2025-03-01T10:00:00.000Z');
    expect(isoInstant('2025-03-01T10:00:00.000Z', 'The time')).toBe('2025-03-01T10:00:00.000Z');
  });

  it.each([
    ['not a time', '"not a time"'],
    [42, '42'],
    ['+010000-01-01T00:00:00.000Z', '"+010000-01-01T00:00:00.000Z"'],
  ])('refuses %j, naming the value and what it was for', (value, shown) => {
    expect(() => isoInstant(value, 'The expiry time of a session')).toThrow(ValidationError);
    expect(() => isoInstant(value, 'The expiry time of a session')).toThrow(
      `The expiry time of a session must be an ISO 8601 time, got ${shown}.`,
    );
  });
});
