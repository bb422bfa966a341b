import type { ObjectStore } from '../core/ports/object-store.ts';
import { PutPool } from './put-pool.ts';

// Copies in flight at once: S3 copies are one request each, so a few thousand objects one by one would
// take minutes; a local folder is not hurt by a handful in parallel.
const mergeConcurrency = 16;

/**
 * Finishes a `movePrefix` that was cut short, without losing anything: every object still under
 * `fromPrefix` is copied to `toPrefix` and then deleted, and nothing already under `toPrefix` is removed.
 * (`movePrefix` itself replaces the whole target, so repeating it after a crash in its deleting phase would
 * drop the objects whose sources were already deleted.) Returns how many objects it moved.
 */
export async function mergePrefix(store: ObjectStore, fromPrefix: string, toPrefix: string): Promise<number> {
  const keys: string[] = [];
  // Listed first, then moved: deleting under a listing that is still being read is not safe everywhere.
  for await (const object of store.list(fromPrefix)) keys.push(object.key);
  const pool = new PutPool(mergeConcurrency, new AbortController());
  for (const key of keys) {
    await pool.whenNotFull();
    if (pool.failed) break;
    pool.run(key, async () => {
      await store.copy(key, `${toPrefix}${key.slice(fromPrefix.length)}`);
      await store.delete(key);
    });
  }
  await pool.settled();
  if (pool.failed) throw pool.failure;
  return keys.length;
}

/** How many objects are under `prefix`. */
export async function countObjects(store: ObjectStore, prefix: string): Promise<number> {
  let count = 0;
  for await (const _object of store.list(prefix)) count += 1;
  return count;
}

/** Whether anything is stored under `prefix` (reads one listing entry at most). */
export async function hasObjects(store: ObjectStore, prefix: string): Promise<boolean> {
  for await (const _object of store.list(prefix)) return true;
  return false;
}
