/**
 * Test support for `src/codegen/`: object-store helpers. Model mocks are in
 * `src/models/language-runtime.test-support.ts`. Not imported by production code.
 */
import type { ObjectStore } from '../core/ports/object-store.ts';

export {
  mockRuntime,
  modelReply,
  promptOf,
  rejectionOf,
  widgetHit,
} from '../models/language-runtime.test-support.ts';

/** The object under `key` as UTF-8 text. */
export async function readText(store: ObjectStore, key: string): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of await store.get(key)) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

/** Every key in the store, in order. */
export async function listKeys(store: ObjectStore): Promise<string[]> {
  const found: string[] = [];
  for await (const info of store.list('')) found.push(info.key);
  return found;
}

/** A store whose `.json` writes fail with "disk full" (and, optionally, whose deletes fail too). */
export function failingSidecarStore(
  inner: ObjectStore,
  options: { deleteFails?: boolean } = {},
): ObjectStore {
  return {
    location: inner.location,
    urlOf: (key) => inner.urlOf(key),
    put: (key, body, putOptions) =>
      key.endsWith('.json') ? Promise.reject(new Error('disk full')) : inner.put(key, body, putOptions),
    get: (key) => inner.get(key),
    head: (key) => inner.head(key),
    list: (prefix) => inner.list(prefix),
    copy: (fromKey, toKey) => inner.copy(fromKey, toKey),
    delete: (key) => (options.deleteFails ? Promise.reject(new Error('gone away')) : inner.delete(key)),
    deletePrefix: (prefix) => inner.deletePrefix(prefix),
    movePrefix: (fromPrefix, toPrefix) => inner.movePrefix(fromPrefix, toPrefix),
  };
}
