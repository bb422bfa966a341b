import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadResourceSpecification } from './aws-resource-specification.ts';

const folders: string[] = [];
afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

async function cacheFolder(): Promise<string> {
  const folder = await mkdtemp(path.join(tmpdir(), 'quarry-spec-cache-'));
  folders.push(folder);
  return folder;
}

describe('loadResourceSpecification with a cache folder', () => {
  it('writes the compact specification once and reads the same types back', async () => {
    const folder = await cacheFolder();
    const spec = await loadResourceSpecification({ cacheFolder: folder });
    const [file] = await readdir(folder);
    expect(file).toMatch(/^cloudformation-spec-\d+\.\d+\.\d+\.json$/);
    const bucket = spec.resourceType('AWS::S3::Bucket');
    expect(bucket?.attributes.has('Arn')).toBe(true);
    expect(bucket?.stateful).toBe(true);
    expect(spec.resourceType('AWS::S3::Buckett')).toBeUndefined();
    expect(spec.resourceType('constructor')).toBeUndefined();
  }, 30_000);

  it('rebuilds a damaged cache file instead of failing', async () => {
    const folder = await cacheFolder();
    await loadResourceSpecification({ cacheFolder: folder });
    const [file] = await readdir(folder);
    const cached = path.join(folder, file ?? '');
    const whole = await readFile(cached, 'utf8');
    const damagedFolder = await cacheFolder();
    await writeFile(path.join(damagedFolder, file ?? ''), whole.slice(0, 1000));
    const spec = await loadResourceSpecification({ cacheFolder: damagedFolder });
    expect(spec.resourceType('AWS::SQS::Queue')?.properties.has('QueueName')).toBe(true);
    expect((await readFile(path.join(damagedFolder, file ?? ''), 'utf8')).length).toBe(whole.length);
  }, 30_000);
});
