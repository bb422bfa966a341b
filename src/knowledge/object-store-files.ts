import type { ObjectStore } from '../core/ports/object-store.ts';
import { collectBytes, type SourceFile } from './source-file.ts';

/**
 * The files of one extracted release under `prefix` (sync already dropped the archive's top folder, so
 * paths read as they do in the repository), listed lazily in key order.
 */
export async function* objectStoreFiles(store: ObjectStore, prefix: string): AsyncIterable<SourceFile> {
  for await (const object of store.list(prefix)) {
    yield {
      path: object.key.slice(prefix.length),
      size: object.size,
      read: async () => collectBytes(await store.get(object.key)),
    };
  }
}
