import { ConflictError } from '../core/errors/index.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';

/** Every generated file is stored under this prefix. */
export const codeOutputPrefix = 'code_output/';

/** Longest slug; long enough to recognise a request in a listing, short enough for any file system. */
const slugLimit = 48;

/** How many numbered variants of one key are tried before giving up (a runaway loop would be worse). */
const maximumAttempts = 1000;

/**
 * The key of a generated file: `code_output/<YYYY-MM-DD>/<HHmmss>-<slug>.<extension>`, in UTC so keys
 * sort by time whatever the server's time zone. `attempt` 2, 3, … adds `-2`, `-3` before the extension,
 * for requests that would otherwise land on the same key.
 */
export function codeOutputKey(createdAt: Date, message: string, extension: string, attempt = 1): string {
  const iso = createdAt.toISOString();
  const day = iso.slice(0, 10);
  const time = iso.slice(11, 19).replaceAll(':', '');
  const suffix = attempt > 1 ? `-${attempt}` : '';
  return `${codeOutputPrefix}${day}/${time}-${slugOf(message)}${suffix}.${extension}`;
}

/** The key of the JSON sidecar that describes the generated file stored under `codeKey`. */
export function sidecarKeyOf(codeKey: string): string {
  return `${codeKey}.json`;
}

/**
 * A short file-name-safe summary of a request: lowercase ASCII words joined by `-`, accents stripped
 * (`Créer une API` → `creer-une-api`), cut at a word boundary after at most 48 characters, and `code`
 * when nothing usable is left (a message in a non-Latin script, or only punctuation).
 */
export function slugOf(message: string): string {
  const words = message
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return cutAtWord(words) || 'code';
}

function cutAtWord(slug: string): string {
  if (slug.length <= slugLimit) return slug;
  const cut = slug.slice(0, slugLimit + 1);
  const boundary = cut.lastIndexOf('-');
  // One very long word has no boundary to cut at: a hard cut is better than an empty slug.
  return boundary > 0 ? cut.slice(0, boundary) : slug.slice(0, slugLimit);
}

/**
 * Keys chosen in this process whose writes have not finished, per store. Checking the store and writing
 * are separate calls, so without this, concurrent requests for the same message in the same second would
 * all see the same key free and overwrite each other.
 */
const pendingKeys = new WeakMap<ObjectStore, Set<string>>();

/** A key reserved for one output; `release` once its writes are done (or failed). */
export interface ReservedCodeOutputKey {
  key: string;
  release(): void;
}

/**
 * Reserves the first key from {@link codeOutputKey} (attempt 1, 2, …) whose file and sidecar are both
 * absent and that no other request of this process is writing. Two processes sharing one store could
 * still pick the same key in the same second: the store has no create-if-absent operation, and the window
 * is the few milliseconds between the check and the write.
 */
export async function reserveCodeOutputKey(
  store: ObjectStore,
  createdAt: Date,
  message: string,
  extension: string,
): Promise<ReservedCodeOutputKey> {
  const pending = pendingKeys.get(store) ?? new Set<string>();
  pendingKeys.set(store, pending);
  for (let attempt = 1; attempt <= maximumAttempts; attempt += 1) {
    const key = codeOutputKey(createdAt, message, extension, attempt);
    if (pending.has(key)) continue;
    pending.add(key);
    const [file, sidecar] = await Promise.all([store.head(key), store.head(sidecarKeyOf(key))]);
    if (!file && !sidecar) return { key, release: () => pending.delete(key) };
    pending.delete(key);
  }
  throw new ConflictError(
    `There are already ${maximumAttempts} stored outputs named ${codeOutputKey(createdAt, message, extension)}.`,
    { hint: 'Wait a second and try again.' },
  );
}

/** The key {@link reserveCodeOutputKey} would pick, released at once (for callers that only look). */
export async function findFreeCodeOutputKey(
  store: ObjectStore,
  createdAt: Date,
  message: string,
  extension: string,
): Promise<string> {
  const reserved = await reserveCodeOutputKey(store, createdAt, message, extension);
  reserved.release();
  return reserved.key;
}
