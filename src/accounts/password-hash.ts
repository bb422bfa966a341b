import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/** The cost of new hashes: scrypt's recommended interactive-login parameters (about 16 MiB, ~50 ms). */
const cost = { N: 16_384, r: 8, p: 1 } as const;
const saltBytes = 16;
const keyBytes = 32;

/**
 * Bounds on the parameters read back from a stored hash, so that a tampered or corrupt record cannot
 * make one login attempt take minutes or gigabytes.
 */
const limits = { maxN: 2 ** 20, maxR: 32, maxP: 16, minSaltBytes: 8, minKeyBytes: 16, maxKeyBytes: 64 };

/**
 * Hashes `password` with scrypt (N=16384, r=8, p=1, a random 16-byte salt, a 32-byte key) and returns
 * `scrypt$16384$8$1$<salt>$<hash>` (base64url parts). The password is normalised to Unicode NFKC first, so
 * the same characters typed on different systems give the same hash.
 */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(saltBytes);
  const key = await deriveKey(password, salt, keyBytes, cost);
  return ['scrypt', cost.N, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/**
 * True when `password` matches `encoded` (made by {@link hashPassword}, possibly with other scrypt
 * parameters). A malformed or unsupported hash gives false rather than an error. The final comparison takes
 * the same time wherever the keys differ.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (parsed === undefined || typeof password !== 'string') return false;
  try {
    const key = await deriveKey(password, parsed.salt, parsed.key.length, parsed.cost);
    return timingSafeEqual(key, parsed.key);
  } catch {
    // Only parameters this machine cannot afford get here (out of memory); the hash is unusable here.
    return false;
  }
}

interface ParsedHash {
  cost: { N: number; r: number; p: number };
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: unknown): ParsedHash | undefined {
  if (typeof encoded !== 'string') return undefined;
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return undefined;
  const [N, r, p] = parts.slice(1, 4).map((part) => (/^[1-9][0-9]{0,7}$/.test(part) ? Number(part) : 0));
  const [salt, key] = parts.slice(4).map(decodeBase64Url);
  if (N === undefined || r === undefined || p === undefined || salt === undefined || key === undefined) {
    return undefined;
  }
  const powerOfTwo = N > 1 && (N & (N - 1)) === 0;
  if (!powerOfTwo || N > limits.maxN || r < 1 || r > limits.maxR || p < 1 || p > limits.maxP)
    return undefined;
  if (
    salt.length < limits.minSaltBytes ||
    key.length < limits.minKeyBytes ||
    key.length > limits.maxKeyBytes
  ) {
    return undefined;
  }
  return { cost: { N, r, p }, salt, key };
}

function decodeBase64Url(text: string | undefined): Buffer | undefined {
  // Buffer.from skips characters outside the alphabet, so check the text itself.
  if (text === undefined || !/^[A-Za-z0-9_-]+$/.test(text)) return undefined;
  return Buffer.from(text, 'base64url');
}

function deriveKey(
  password: string,
  salt: Buffer,
  length: number,
  parameters: { N: number; r: number; p: number },
): Promise<Buffer> {
  // scrypt needs 128 * N * r bytes; Node's default ceiling (32 MiB) would refuse the upper limits.
  const options: ScryptOptions = { ...parameters, maxmem: 128 * parameters.N * parameters.r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, length, options, (error, key) => {
      if (error) reject(error);
      else resolve(key);
    });
  });
}
