import { describe, expect, it } from 'vitest';
import { PutPool } from './put-pool.ts';

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: Error) => void } {
  let resolve: () => void = () => {};
  let reject: (error: Error) => void = () => {};
  const promise = new Promise<void>((resolvePromise, rejectPromise) => {
    resolve = resolvePromise;
    reject = rejectPromise;
  });
  return { promise, resolve, reject };
}

describe('PutPool', () => {
  it('is full at its concurrency and makes room as writes finish', async () => {
    const pool = new PutPool(2, new AbortController());
    const first = deferred();
    pool.run('a', () => first.promise);
    pool.run('b', () => deferred().promise);
    expect(pool.full).toBe(true);
    let woken = false;
    const waiting = pool.whenNotFull().then(() => {
      woken = true;
    });
    await Promise.resolve();
    expect(woken).toBe(false);
    first.resolve();
    await waiting;
    expect(pool.full).toBe(false);
  });

  it('runs writes to the same key one after the other, in order', async () => {
    const pool = new PutPool(4, new AbortController());
    const order: string[] = [];
    const first = deferred();
    pool.run('same', async () => {
      await first.promise;
      order.push('first');
    });
    pool.run('same', async () => {
      order.push('second');
    });
    first.resolve();
    await pool.settled();
    expect(order).toEqual(['first', 'second']);
  });

  it('keeps the first failure, halts, wakes waiters and still settles every write', async () => {
    const halt = new AbortController();
    const pool = new PutPool(1, halt);
    const slow = deferred();
    const failure = new Error('disk full');
    pool.run('a', () => Promise.reject(failure));
    pool.run('b', () => slow.promise);
    await pool.whenNotFull();
    expect(pool.failure).toBe(failure);
    expect(halt.signal.reason).toBe(failure);
    pool.fail(new Error('later'));
    expect(pool.failure).toBe(failure);
    let settled = false;
    const settling = pool.settled().then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    slow.resolve();
    await settling;
    expect(settled).toBe(true);
  });

  it('skips a queued same-key write once the pool has failed', async () => {
    const pool = new PutPool(4, new AbortController());
    let ranSecond = false;
    pool.run('same', () => Promise.reject(new Error('broken')));
    pool.run('same', async () => {
      ranSecond = true;
    });
    await pool.settled();
    expect(ranSecond).toBe(false);
  });
});
