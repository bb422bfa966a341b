import { describe, expect, it } from 'vitest';
import { equalInConstantTime, newSecret, sha256Hex } from './secret-token.ts';

describe('newSecret', () => {
  it('gives base64url text of the requested number of random bytes, 32 by default', () => {
    expect(newSecret()).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(newSecret(24)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(Buffer.from(newSecret(16), 'base64url')).toHaveLength(16);
  });

  it('never repeats itself', () => {
    const secrets = new Set(Array.from({ length: 1000 }, () => newSecret()));
    expect(secrets.size).toBe(1000);
  });
});

describe('sha256Hex', () => {
  it('matches the published test vectors, in lower-case hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the UTF-8 bytes of the text', () => {
    expect(sha256Hex('é')).toBe(sha256Hex(Buffer.from([0xc3, 0xa9]).toString('utf8')));
    expect(sha256Hex('é')).not.toBe(sha256Hex('e'));
  });
});

describe('equalInConstantTime', () => {
  it('is true only for equal texts, whatever their lengths', () => {
    expect(equalInConstantTime('abc123', 'abc123')).toBe(true);
    expect(equalInConstantTime('abc123', 'abc124')).toBe(false);
    expect(equalInConstantTime('abc', 'abc123')).toBe(false);
    expect(equalInConstantTime('', '')).toBe(true);
  });
});
