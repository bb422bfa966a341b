import { scryptSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from './password-hash.ts';

const password = 'correct horse battery staple';

describe('hashPassword', () => {
  it('encodes scrypt with its parameters, a 16-byte salt and a 32-byte key, never the password', async () => {
    const encoded = await hashPassword(password);
    const [scheme, n, r, p, salt, key, ...rest] = encoded.split('$');
    expect([scheme, n, r, p, rest]).toEqual(['scrypt', '16384', '8', '1', []]);
    expect(Buffer.from(salt ?? '', 'base64url')).toHaveLength(16);
    expect(Buffer.from(key ?? '', 'base64url')).toHaveLength(32);
    expect(salt).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(encoded).not.toContain(password);
  });

  it('salts every hash, so the same password never gives the same text twice', async () => {
    const [first, second] = await Promise.all([hashPassword(password), hashPassword(password)]);
    expect(first).not.toBe(second);
    expect(await verifyPassword(password, first)).toBe(true);
    expect(await verifyPassword(password, second)).toBe(true);
  });
});

describe('verifyPassword', () => {
  it('accepts the password and refuses any other', async () => {
    const encoded = await hashPassword(password);
    expect(await verifyPassword(password, encoded)).toBe(true);
    for (const wrong of ['', 'correct horse battery stapl', `${password} `, password.toUpperCase()]) {
      expect(await verifyPassword(wrong, encoded)).toBe(false);
    }
  });

  it('treats the same characters typed in another Unicode form as the same password', async () => {
    const composed = 'caf\u00e9 au lait, s\u2019il vous pla\u00eet';
    const decomposed = composed.normalize('NFD');
    expect(decomposed).not.toBe(composed);
    expect(await verifyPassword(decomposed, await hashPassword(composed))).toBe(true);
  });

  it('says false, without throwing, for hashes it cannot read', async () => {
    const encoded = await hashPassword(password);
    const [, , , , salt, key] = encoded.split('$');
    const malformed = [
      '',
      'plain-text-password',
      encoded.replace('scrypt$', 'bcrypt$'),
      encoded.slice(0, -1).replace(/\$[^$]*$/, ''),
      `${encoded}$extra`,
      `scrypt$16384$8$1$${salt}$${key}!`,
      `scrypt$16384$8$1$$${key}`,
      `scrypt$16000$8$1$${salt}$${key}`,
      `scrypt$0$8$1$${salt}$${key}`,
      `scrypt$16384$0$1$${salt}$${key}`,
      `scrypt$-16384$8$1$${salt}$${key}`,
      `scrypt$16384$8$1$${salt}$${Buffer.alloc(8).toString('base64url')}`,
    ];
    for (const hash of malformed) expect(await verifyPassword(password, hash), hash).toBe(false);
  });

  it('refuses parameters that would make one check take minutes or gigabytes, before deriving anything', async () => {
    const salt = Buffer.alloc(16, 1).toString('base64url');
    const key = Buffer.alloc(32, 2).toString('base64url');
    expect(await verifyPassword(password, `scrypt$1073741824$8$1$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword(password, `scrypt$16384$1024$1$${salt}$${key}`)).toBe(false);
    expect(await verifyPassword(password, `scrypt$16384$8$99999$${salt}$${key}`)).toBe(false);
  });

  it('still verifies hashes made with other affordable parameters', async () => {
    const encoded = await hashPassword(password);
    // Rehash with N=1024 by hand, as an older or tuned installation might have stored it.
    const salt = Buffer.from(encoded.split('$')[4] ?? '', 'base64url');
    const key = scryptSync(password, salt, 32, { N: 1024, r: 8, p: 1 });
    const older = `scrypt$1024$8$1$${salt.toString('base64url')}$${key.toString('base64url')}`;
    expect(await verifyPassword(password, older)).toBe(true);
    expect(await verifyPassword('something else entirely', older)).toBe(false);
  });
});
