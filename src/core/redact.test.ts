import { describe, expect, it } from 'vitest';
import { createRedactor, describeError } from './redact.ts';

describe('redaction', () => {
  it('replaces every known secret and leaves other text alone', () => {
    const redact = createRedactor(['ghp_secret123', undefined, 'abc']);
    expect(redact('token ghp_secret123 and ghp_secret123 again; abc stays')).toBe(
      'token [redacted] and [redacted] again; abc stays',
    );
  });

  it('describes errors on one line without secrets', () => {
    const redact = createRedactor(['ghp_secret123']);
    expect(describeError(new Error('bad\n  token ghp_secret123'), redact)).toBe('bad token [redacted]');
  });
});
