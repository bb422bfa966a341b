import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  buildTar,
  buildTarGz,
  buildZip,
  chunked,
  gzippedZeros,
  padding,
  tarEnd,
  tarHeader,
} from '../../test/support/archives.ts';
import { createExtractionFixture, type ExtractionFixture } from '../../test/support/extraction-fixture.ts';
import { LimitExceededError, ValidationError } from '../core/errors/index.ts';
import { parseIgnoreRules } from './ignore-rules.ts';

const root = 'acme-widgets-1a2b3c4';
const mebibyte = 1024 * 1024;
const gibibyte = 1024 * mebibyte;

let fixture: ExtractionFixture;
beforeEach(async () => {
  fixture = await createExtractionFixture();
});
afterEach(async () => {
  await fixture.remove();
});

/** Feeds `bytes` in 64 KiB chunks and counts how much of it the extraction actually read. */
function countedSource(bytes: Uint8Array): { source: AsyncIterable<Uint8Array>; consumed: () => number } {
  let consumed = 0;
  async function* source(): AsyncGenerator<Uint8Array> {
    for await (const chunk of chunked(bytes)) {
      consumed += chunk.byteLength;
      yield chunk;
    }
  }
  return { source: source(), consumed: () => consumed };
}

async function rejection(extraction: Promise<unknown>): Promise<LimitExceededError> {
  const error = await extraction.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(LimitExceededError);
  return error as LimitExceededError;
}

async function stagedBytes(): Promise<number> {
  let total = 0;
  for (const size of (await fixture.staged()).values()) total += size;
  return total;
}

describe('sync.maxFiles', () => {
  it('rejects the file after the limit', async () => {
    const archive = buildTarGz(
      Array.from({ length: 5 }, (_, index) => ({ path: `${root}/f${index}.txt`, body: 'x' })),
    );

    const error = await rejection(
      fixture.extract('tar.gz', archive, { limits: { maxFiles: 4, maxExtractedBytes: mebibyte } }),
    );

    expect(error.limit).toBe('sync.maxFiles');
    expect(error.message).toBe(
      'The archive holds more than 4 files, the limit set by sync.maxFiles; the release was rejected.',
    );
    expect(error.hint).toMatch(/ignore file/);
    expect((await fixture.staged()).size).toBeLessThanOrEqual(4);
  });

  it('counts only stored files, not ignored files, folders or links', async () => {
    const archive = buildTarGz([
      { path: `${root}/`, type: 'directory' },
      { path: `${root}/a.txt`, body: 'a' },
      { path: `${root}/b.txt`, body: 'b' },
      { path: `${root}/c.png`, body: 'c' },
      { path: `${root}/d.png`, body: 'd' },
      { path: `${root}/link`, type: 'symlink', linkpath: 'a.txt' },
    ]);

    const result = await fixture.extract('tar.gz', archive, {
      ignore: parseIgnoreRules('*.png\n', 'rules'),
      limits: { maxFiles: 2, maxExtractedBytes: mebibyte },
    });

    expect(result.files).toBe(2);
  });

  it('applies to zip archives', async () => {
    const archive = buildZip(Array.from({ length: 3 }, (_, index) => ({ path: `f${index}.txt`, body: 'x' })));

    const error = await rejection(
      fixture.extract('zip', archive, { limits: { maxFiles: 2, maxExtractedBytes: mebibyte } }),
    );

    expect(error.limit).toBe('sync.maxFiles');
    expect(await fixture.strayFiles()).toEqual([]);
  });
});

describe('sync.maxExtractedBytes', () => {
  const limits = { maxFiles: 1000, maxExtractedBytes: 10 * mebibyte };

  it('refuses a gzip bomb at the header that declares 1 GiB, before reading its body', async () => {
    const bomb = Buffer.concat([
      gzipSync(tarHeader({ path: `${root}/zeros.bin`, size: gibibyte })),
      gzippedZeros(1024),
    ]);
    const { source, consumed } = countedSource(bomb);

    const error = await rejection(fixture.extract('tar.gz', bomb, { source, limits }));

    expect(error.limit).toBe('sync.maxExtractedBytes');
    expect(error.message).toBe(
      'The archive expands to more than 10.0 MiB, the limit set by sync.maxExtractedBytes; the release was rejected.',
    );
    expect(consumed()).toBeLessThan(bomb.byteLength / 4);
    expect(await fixture.staged()).toEqual(new Map());
  });

  it('stops at the entry that would pass the limit, never storing more than the limit', async () => {
    const megabyteOfZeros = Buffer.alloc(mebibyte);
    const parts = [];
    for (let index = 0; index < 30; index += 1) {
      parts.push(tarHeader({ path: `${root}/part-${index}.bin`, size: mebibyte }), megabyteOfZeros);
    }
    const archive = gzipSync(Buffer.concat([...parts, tarEnd]));

    const error = await rejection(fixture.extract('tar.gz', archive, { limits }));

    expect(error.limit).toBe('sync.maxExtractedBytes');
    expect(await stagedBytes()).toBeLessThanOrEqual(10 * mebibyte);
    expect(await fixture.strayFiles()).toEqual([]);
  });

  it('caps the work a bomb hidden in an ignored entry can cause', async () => {
    const bomb = Buffer.concat([
      gzipSync(
        Buffer.concat([tarHeader({ path: `${root}/a.txt`, body: 'a' }), Buffer.from('a'), padding(1)]),
      ),
      gzipSync(tarHeader({ path: `${root}/zeros.bin`, size: gibibyte })),
      gzippedZeros(1024),
    ]);
    const { source, consumed } = countedSource(bomb);

    const error = await rejection(
      fixture.extract('tar.gz', bomb, { source, limits, ignore: parseIgnoreRules('*.bin\n', 'rules') }),
    );

    expect(error.limit).toBe('sync.maxExtractedBytes');
    expect(error.message).toMatch(/^The archive expands to more than 276\.0 MiB of tar data/);
    expect(consumed()).toBeLessThan(bomb.byteLength / 2);
  });

  it('caps data hidden after the end-of-archive marker, but accepts ordinary padding there', async () => {
    const valid = buildTar([{ path: `${root}/a.txt`, body: 'a' }]);
    const padded = gzipSync(Buffer.concat([valid, Buffer.alloc(20 * 1024)]));
    expect((await fixture.extract('tar.gz', padded, { limits })).files).toBe(1);

    const bomb = Buffer.concat([gzipSync(valid), gzippedZeros(1024)]);
    const error = await rejection(fixture.extract('tar.gz', bomb, { limits }));
    expect(error.limit).toBe('sync.maxExtractedBytes');
  });

  it('refuses a zip entry whose declared size passes the limit, before writing it', async () => {
    const archive = buildZip([
      { path: 'small.txt', body: 'small' },
      { path: 'big.bin', body: Buffer.alloc(11 * mebibyte) },
    ]);

    const error = await rejection(fixture.extract('zip', archive, { limits }));

    expect(error.limit).toBe('sync.maxExtractedBytes');
    expect([...(await fixture.staged()).keys()]).not.toContain('big.bin');
  });

  it('treats a zip entry holding more than its declared size as corrupt', async () => {
    const archive = buildZip([{ path: 'liar.bin', body: Buffer.alloc(100_000, 1), size: 10 }]);

    const error = await fixture.extract('zip', archive, { limits }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toMatch(/^The archive is corrupt or truncated: /);
    expect(await fixture.staged()).toEqual(new Map());
  });
});
