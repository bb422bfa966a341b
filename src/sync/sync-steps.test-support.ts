// Shared by the sync step tests: repositories and releases on the sync harness, JSON hand-over between
// steps as Step Functions does it, and object stores that fail part-way like a killed process. It does
// not import test/support (the import check covers src/ and would follow it there); the harness is
// described by the parts used.
import { gzipSync } from 'node:zlib';
import { Header } from 'tar';
import type { Catalog, RepoRecord } from '../core/ports/catalog.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { SyncContext, SyncStepContext } from './sync-types.ts';

/** The parts of the sync test harness (`test/support/sync-harness.ts`) these helpers use. */
export interface StepHarness {
  catalog: Catalog;
  github: {
    setRepo(
      owner: string,
      name: string,
      setup: { releases: Array<{ tag: string }>; archives: Record<string, { body: Buffer }> },
    ): void;
  };
  context(): SyncContext;
  keys(prefix: string): Promise<string[]>;
}

/** The files of the first test release. */
export const v1Files = {
  'README.md': '# demo\n',
  'src/index.ts': 'export const version = 1;\n',
  'docs/guide.md': 'guide\n',
};

/** The files of the second test release. */
export const v2Files = {
  'README.md': '# demo v2\n',
  'src/index.ts': 'export const version = 2;\n',
  'src/new.ts': 'new\n',
  'src/more.ts': 'more\n',
};

/** A step's output as the next Lambda receives it: through JSON text, as Step Functions passes it. */
export function overTheWire<Value>(value: Value): unknown {
  return JSON.parse(JSON.stringify(value));
}

/** Adds a user repository to the harness's catalog. */
export async function addRepo(harness: StepHarness, id: string): Promise<RepoRecord> {
  return harness.catalog.addRepo({
    id,
    enabled: true,
    ignoreFile: null,
    track: 'releases',
    asset: null,
    origin: 'user',
  });
}

/** Publishes releases of `owner/name` on the fake GitHub: `tags` oldest first, each with its files. */
export async function publish(
  harness: StepHarness,
  id: string,
  releases: Array<[tag: string, files: Record<string, string>]>,
): Promise<void> {
  const [owner = '', name = ''] = id.split('/');
  const archives: Record<string, { body: Buffer }> = {};
  for (const [tag, files] of releases) {
    archives[tag] = { body: sourceTarball(`${owner}-${name}-${tag.replace(/\W/g, '')}`, files) };
  }
  harness.github.setRepo(owner, name, { releases: releases.map(([tag]) => ({ tag })), archives });
}

let runs = 0;

/** The harness's step context, with readable run ids (`run-1`, `run-2`, ...) unique within a test file. */
export function stepContext(harness: StepHarness, overrides: Partial<SyncStepContext> = {}): SyncStepContext {
  return { ...harness.context(), newRunId: () => `run-${++runs}`, ...overrides };
}

/** Keys under `prefix`, with the repository's own part replaced, to compare two repositories' layouts. */
export async function layoutOf(harness: StepHarness, id: string): Promise<string[]> {
  const keys = await harness.keys('');
  return keys.filter((key) => key.includes(`/${id}/`)).map((key) => key.replace(`/${id}/`, '/<repo>/'));
}

/** A store whose `put`s fail from the `(allowed + 1)`-th on, as if the process died while extracting. */
export function failingAfterPuts(store: ObjectStore, allowed: number): ObjectStore {
  let puts = 0;
  return Object.assign(Object.create(store) as ObjectStore, {
    put: async (...args: Parameters<ObjectStore['put']>) => {
      puts += 1;
      if (puts > allowed) throw new Error('simulated crash while extracting');
      return store.put(...args);
    },
  });
}

/**
 * A store whose `movePrefix` number `failing` moves like S3 (copy everything, then delete the sources)
 * but dies after deleting only the first `deleted` sources.
 */
export function dyingMidMove(store: ObjectStore, failing: number, deleted: number): ObjectStore {
  let moves = 0;
  return Object.assign(Object.create(store) as ObjectStore, {
    movePrefix: async (from: string, to: string) => {
      moves += 1;
      if (moves !== failing) return store.movePrefix(from, to);
      const keys: string[] = [];
      for await (const object of store.list(from)) keys.push(object.key);
      for (const key of keys) await store.copy(key, `${to}${key.slice(from.length)}`);
      for (const key of keys.slice(0, deleted)) await store.delete(key);
      throw new Error('simulated crash while moving');
    },
  });
}

/** A GitHub-style source tarball (.tar.gz) built in memory: `files` under one top folder. */
export function sourceTarball(topFolder: string, files: Record<string, string>): Buffer {
  const blocks: Buffer[] = [];
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text);
    const header = new Header({
      path: `${topFolder}/${name}`,
      type: 'File',
      size: body.byteLength,
      mode: 0o644,
      mtime: new Date('2024-05-01T12:00:00Z'),
    });
    header.encode();
    if (!header.block) throw new Error('tar did not encode a header');
    blocks.push(header.block, body, Buffer.alloc((512 - (body.byteLength % 512)) % 512));
  }
  // Two empty blocks end a tar stream.
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}
