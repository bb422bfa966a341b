import { describe, expect, it } from 'vitest';
import { type CatalogUnderTest, describeCatalogSuite } from './catalog-suite.contract.ts';
import type { LockCatalog, LockHolder } from './lock-catalog.ts';

/** Registers the suite that checks every rule of the `LockCatalog` port's contract. */
export function describeLockCatalogContract(
  name: string,
  createCatalog: () => Promise<CatalogUnderTest<LockCatalog>>,
): void {
  describeCatalogSuite(`LockCatalog contract: ${name}`, createCatalog, describeLockRules);
}

function holderOf(token: string, pid = 100): LockHolder {
  return { token, pid, host: `host-${pid}`, acquiredAt: `2025-03-01T10:00:0${pid % 10}.000Z` };
}

function describeLockRules(catalog: () => LockCatalog): void {
  describe('locks', () => {
    it('acquires a free resource and reports the holder to the next caller', async () => {
      const first = holderOf('token-first', 101);
      expect(await catalog().tryLock('sync', first)).toEqual({ acquired: true });
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
    });

    it('locks each resource on its own', async () => {
      expect(await catalog().tryLock('sync:owner/a', holderOf('token-a'))).toEqual({ acquired: true });
      expect(await catalog().tryLock('sync:owner/b', holderOf('token-b'))).toEqual({ acquired: true });
    });

    it('lets exactly one of many simultaneous callers acquire', async () => {
      const holders = Array.from({ length: 8 }, (_, index) => holderOf(`token-${index}`, 100 + index));
      const attempts = await Promise.all(holders.map((holder) => catalog().tryLock('sync', holder)));
      const winners = holders.filter((_, index) => attempts[index]?.acquired);
      expect(winners).toHaveLength(1);
      for (const attempt of attempts.filter((each) => !each.acquired)) {
        expect(attempt).toEqual({ acquired: false, holder: winners[0] });
      }
    });

    it('ignores a release with a token that does not hold the lock', async () => {
      const first = holderOf('token-first', 101);
      await catalog().tryLock('sync', first);
      await catalog().releaseLock('sync', 'token-other');
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
    });

    it('frees the resource on a release with the holding token', async () => {
      await catalog().tryLock('sync', holderOf('token-first', 101));
      await catalog().releaseLock('sync', 'token-first');
      const second = holderOf('token-second', 202);
      expect(await catalog().tryLock('sync', second)).toEqual({ acquired: true });
      await catalog().releaseLock('sync', 'token-first');
      expect(await catalog().tryLock('sync', holderOf('token-third', 303))).toEqual({
        acquired: false,
        holder: second,
      });
    });

    it('accepts a release of a resource nobody holds', async () => {
      await expect(catalog().releaseLock('never-locked', 'token')).resolves.toBeUndefined();
    });

    it('breaks a lock only with the token that still holds it, so only one breaker wins', async () => {
      const first = holderOf('token-first', 101);
      await catalog().tryLock('sync', first);
      expect(await catalog().breakLock('sync', 'token-other')).toBe(false);
      expect(await catalog().tryLock('sync', holderOf('token-second', 202))).toEqual({
        acquired: false,
        holder: first,
      });
      expect(await catalog().breakLock('sync', 'token-first')).toBe(true);
      expect(await catalog().breakLock('sync', 'token-first')).toBe(false);
      expect(await catalog().tryLock('sync', holderOf('token-third', 303))).toEqual({ acquired: true });
      expect(await catalog().breakLock('never-locked', 'token')).toBe(false);
    });
  });
}
