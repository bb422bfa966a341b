import { describe, expect, it } from 'vitest';
import { chatErrorMessage, readErrorBody, retryAfterSeconds } from './api-error.ts';

describe('readErrorBody', () => {
  it('reads the documented error shape', () => {
    expect(readErrorBody({ error: { code: 'not_found', message: 'No such repo.' } })).toEqual({
      code: 'not_found',
      message: 'No such repo.',
    });
  });

  it('rejects other shapes', () => {
    expect(readErrorBody({ message: 'x' })).toBeUndefined();
    expect(readErrorBody({ error: 'x' })).toBeUndefined();
    expect(readErrorBody(null)).toBeUndefined();
  });
});

describe('chatErrorMessage', () => {
  it('unpacks a JSON error body that the chat transport put into the message', () => {
    const error = new Error(
      JSON.stringify({ error: { code: 'upstream', message: 'The model is unreachable.' } }),
    );
    expect(chatErrorMessage(error)).toBe('The model is unreachable.');
  });

  it('keeps a stream error text as it is', () => {
    expect(chatErrorMessage(new Error('Retrieval failed.'))).toBe('Retrieval failed.');
  });
});

describe('retryAfterSeconds', () => {
  it('reads delay seconds', () => {
    expect(retryAfterSeconds('30')).toBe(30);
  });

  it('reads an HTTP date relative to now', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    expect(retryAfterSeconds('Wed, 01 Jan 2025 00:00:42 GMT', now)).toBe(42);
    expect(retryAfterSeconds('Tue, 31 Dec 2024 23:00:00 GMT', now)).toBe(0);
  });

  it('is undefined without a usable header', () => {
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds('soon')).toBeUndefined();
  });
});
