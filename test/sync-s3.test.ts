import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3ObjectStore } from '../src/adapters/s3/s3-object-store.ts';
import type { ObjectStore } from '../src/core/ports/object-store.ts';
import { syncRepository } from '../src/sync/sync-repository.ts';
import { type RunningS3rver, startS3rver } from './support/s3rver.ts';
import { buildSourceTarball } from './support/source-tarball.ts';
import { createSyncHarness, type SyncHarness } from './support/sync-harness.ts';

let harness: SyncHarness;
let s3: RunningS3rver;
let store: ObjectStore;

beforeAll(async () => {
  [harness, s3] = await Promise.all([createSyncHarness(), startS3rver({ bucket: 'quarry-sync' })]);
  store = createS3ObjectStore({ bucket: 'quarry-sync', prefix: 'corpus/', client: s3.client });
});
afterAll(async () => {
  await Promise.all([harness.close(), s3.close()]);
});

async function keys(prefix: string): Promise<string[]> {
  const found: string[] = [];
  for await (const object of store.list(prefix)) found.push(object.key);
  return found;
}

describe('release sync into S3', () => {
  it('promotes, archives, and after a failure between the two moves returns current/ to the recorded version', async () => {
    await harness.catalog.addRepo({
      id: 'acme/s3',
      enabled: true,
      ignoreFile: null,
      track: 'releases',
      asset: null,
      origin: 'user',
    });
    const v1 = await buildSourceTarball('acme-s3-1', { 'one.txt': '1', 'shared.txt': 'v1' });
    const v2 = await buildSourceTarball('acme-s3-2', { 'two.txt': '2', 'shared.txt': 'v2' });
    harness.github.setRepo('acme', 's3', { releases: [{ tag: 'v1' }], archives: { v1: { body: v1 } } });
    const repo = async () => {
      const record = await harness.catalog.getRepo('acme/s3');
      if (!record) throw new Error('missing repo');
      return record;
    };
    expect(await syncRepository(await repo(), harness.context({ store }))).toMatchObject({
      status: 'updated',
      tag: 'v1',
    });
    expect(await keys('current/')).toEqual(['current/acme/s3/v1/one.txt', 'current/acme/s3/v1/shared.txt']);

    harness.github.setRepo('acme', 's3', {
      releases: [{ tag: 'v1' }, { tag: 'v2' }],
      archives: { v2: { body: v2 } },
    });
    let moves = 0;
    const crashing: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      movePrefix: async (from: string, to: string) => {
        moves += 1;
        await store.movePrefix(from, to);
        if (moves === 2) throw new Error('simulated crash after archiving');
      },
    });
    expect(await syncRepository(await repo(), harness.context({ store: crashing }))).toMatchObject({
      status: 'failed',
    });
    expect(await keys('current/')).toEqual(['current/acme/s3/v1/one.txt', 'current/acme/s3/v1/shared.txt']);
    expect(await keys('archived/')).toEqual([]);
    expect(await keys('staging/')).toEqual([]);

    expect(await syncRepository(await repo(), harness.context({ store }))).toMatchObject({
      status: 'updated',
      tag: 'v2',
      previousTag: 'v1',
    });
    expect(await keys('')).toEqual([
      'archived/acme/s3/v1/one.txt',
      'archived/acme/s3/v1/shared.txt',
      'current/acme/s3/v2/shared.txt',
      'current/acme/s3/v2/two.txt',
    ]);
  });
});
