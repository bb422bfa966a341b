import type { ObjectStore } from '../core/ports/object-store.ts';
import { collectBytes, type SourceFile } from './source-file.ts';

/**
 * The files of one extracted release under `prefix`, with paths relative to the repository's root: the
 * single top folder GitHub puts in its archives (`owner-repo-sha/`) is left out, so paths read as they do
 * in the repository. Listing happens twice (once to find that folder) rather than holding every key.
 */
export async function* objectStoreFiles(store: ObjectStore, prefix: string): AsyncIterable<SourceFile> {
  const root = await singleTopFolder(store, prefix);
  for await (const object of store.list(prefix)) {
    const relative = object.key.slice(prefix.length);
    yield {
      path: root ? relative.slice(root.length) : relative,
      size: object.size,
      read: async () => collectBytes(await store.get(object.key)),
    };
  }
}

async function singleTopFolder(store: ObjectStore, prefix: string): Promise<string | undefined> {
  let root: string | undefined;
  for await (const object of store.list(prefix)) {
    const relative = object.key.slice(prefix.length);
    const slash = relative.indexOf('/');
    if (slash === -1) return undefined;
    const top = relative.slice(0, slash + 1);
    if (root === undefined) root = top;
    else if (root !== top) return undefined;
  }
  return root;
}
