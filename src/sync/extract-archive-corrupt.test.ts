import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ArchiveEntrySpec, buildTar, buildTarGz, buildZip } from '../../test/support/archives.ts';
import { createExtractionFixture, type ExtractionFixture } from '../../test/support/extraction-fixture.ts';
import { ValidationError } from '../core/errors/index.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { ArchiveFormat } from './archive-types.ts';

const root = 'acme-widgets-1a2b3c4';

let fixture: ExtractionFixture;
beforeEach(async () => {
  fixture = await createExtractionFixture();
});
afterEach(async () => {
  await fixture.remove();
});

function release(): ArchiveEntrySpec[] {
  const text = (seed: number) =>
    Array.from({ length: 2000 }, (_, index) => `line ${index * seed}\n`).join('');
  return [
    { path: `${root}/`, type: 'directory' },
    ...Array.from({ length: 20 }, (_, index) => ({
      path: `${root}/src/file-${index}.ts`,
      body: text(index + 1),
    })),
  ];
}

function flipByte(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset] = (copy[offset] ?? 0) ^ 0xff;
  return copy;
}

async function expectCorrupt(format: ArchiveFormat, bytes: Uint8Array, detail: RegExp): Promise<void> {
  const error = await fixture.extract(format, bytes).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ValidationError);
  expect((error as ValidationError).message).toMatch(/^The archive is corrupt or truncated: /);
  expect((error as ValidationError).message).toMatch(detail);
  expect((error as ValidationError).hint).toBeDefined();
  expect(await fixture.strayFiles()).toEqual([]);
}

describe('corrupt tar.gz', () => {
  it('rejects a download cut in half', async () => {
    const archive = buildTarGz(release());
    await expectCorrupt(
      'tar.gz',
      archive.subarray(0, Math.floor(archive.length / 2)),
      /unexpected end of file/,
    );
  });

  it('rejects a download cut inside a large, streamed file', async () => {
    // Random bytes do not compress, so the cut really lands inside this file.
    const large = randomBytes(4 * 1024 * 1024);
    const archive = buildTarGz([{ path: `${root}/large.bin`, body: large }, ...release()]);
    await expectCorrupt(
      'tar.gz',
      archive.subarray(0, Math.floor(archive.length / 3)),
      /unexpected end of file/,
    );
  });

  it('rejects flipped bytes in the compressed data', async () => {
    const archive = buildTarGz(release());
    await expectCorrupt('tar.gz', flipByte(archive, Math.floor(archive.length / 2)), /./);
  });

  it('rejects a broken gzip checksum at the end', async () => {
    const archive = buildTarGz(release());
    await expectCorrupt('tar.gz', flipByte(archive, archive.length - 6), /incorrect data check/);
  });

  it('rejects something that is not gzip at all', async () => {
    await expectCorrupt(
      'tar.gz',
      Buffer.from('<html>Not Found</html>\n'.repeat(100)),
      /incorrect header check/,
    );
  });

  it('rejects gzip that holds no tar', async () => {
    await expectCorrupt('tar.gz', gzipSync(Buffer.from('just some text\n'.repeat(200))), /./);
  });

  it('rejects an empty download', async () => {
    await expectCorrupt('tar.gz', new Uint8Array(0), /./);
  });
});

describe('corrupt tar', () => {
  it('rejects a tar cut inside an entry', async () => {
    const archive = buildTar(release());
    await expectCorrupt('tar', archive.subarray(0, 512 * 10 + 100), /Truncated input/);
  });

  it('rejects a tar cut between entries, where only the missing end marker shows it', async () => {
    const archive = buildTar(release(), { end: false });
    await expectCorrupt('tar', archive, /end-of-archive marker is missing/);
  });

  it('rejects a header with a bad checksum', async () => {
    const archive = buildTar(release());
    await expectCorrupt('tar', flipByte(archive, 512 + 10), /checksum/);
  });

  it('rejects random bytes', async () => {
    const noise = Buffer.alloc(8192);
    for (let index = 0; index < noise.length; index += 1) noise[index] = (index * 7919) % 256;
    await expectCorrupt('tar', noise, /./);
  });
});

describe('corrupt zip', () => {
  function zipRelease() {
    return buildZip(release());
  }

  it('rejects a zip cut in half', async () => {
    const archive = zipRelease();
    await expectCorrupt(
      'zip',
      archive.subarray(0, Math.floor(archive.length / 2)),
      /end of central directory/i,
    );
  });

  it('rejects an entry whose bytes do not match their CRC-32', async () => {
    await expectCorrupt(
      'zip',
      buildZip([{ path: 'a.txt', body: 'hello', crc: 12345 }]),
      /CRC-32 checksum of "a\.txt"/,
    );
  });

  it('rejects damaged compressed data', async () => {
    const archive = buildZip([{ path: 'a.txt', body: 'hello hello hello hello '.repeat(100) }]);
    await expectCorrupt('zip', flipByte(archive, 40), /./);
  });

  it('rejects something that is not a zip', async () => {
    await expectCorrupt('zip', Buffer.from('<html>Not Found</html>\n'), /./);
  });

  it('rejects encrypted entries with their own message', async () => {
    const error = await fixture
      .extract('zip', buildZip([{ path: 'secret.txt', body: 'secret', encrypted: true }]))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as Error).message).toBe(
      'The archive entry "secret.txt" is encrypted; the release was rejected.',
    );
  });
});

describe('abort', () => {
  /** A download that delivers its first chunk and then stalls forever, as a hung connection would. */
  function stalledDownload(bytes: Uint8Array, length = 64 * 1024): Readable {
    const stream = new Readable({ read() {} });
    stream.push(bytes.subarray(0, length));
    return stream;
  }

  it.each(['tar.gz', 'zip'] as const)(
    'stops a stalled %s download promptly and cleans up',
    async (format) => {
      const archive = format === 'zip' ? buildZip(release()) : buildTarGz(release());
      const download = stalledDownload(archive);
      const controller = new AbortController();

      const error = await fixture
        .extract(format, archive, {
          source: download,
          signal: controller.signal,
          onProgress: () => setImmediate(() => controller.abort()),
        })
        .catch((caught: unknown) => caught);

      expect((error as Error).name).toBe('AbortError');
      expect(download.destroyed).toBe(true);
      expect(await fixture.strayFiles()).toEqual([]);
    },
  );

  it('stops promptly while a large file is being streamed', async () => {
    // Random bytes do not compress, so the cut really lands inside this file.
    const large = randomBytes(4 * 1024 * 1024);
    const archive = buildTarGz([{ path: `${root}/large.bin`, body: large }]);
    const controller = new AbortController();
    // Abort once the store has started writing the file, while the download is stalled half way through it.
    const store: ObjectStore = Object.create(fixture.store, {
      put: {
        value: (...args: Parameters<ObjectStore['put']>) => {
          setImmediate(() => controller.abort());
          return fixture.store.put(...args);
        },
      },
    });

    const error = await fixture
      .extract('tar.gz', archive, {
        source: stalledDownload(archive, 1024 * 1024),
        signal: controller.signal,
        store,
      })
      .catch((caught: unknown) => caught);

    expect((error as Error).name).toBe('AbortError');
    expect(await fixture.strayFiles()).toEqual([]);
  });

  it('rejects with the abort reason without reading when the signal is already aborted', async () => {
    const download = stalledDownload(buildTarGz(release()));
    const reason = new Error('sync cancelled');

    await expect(
      fixture.extract('tar.gz', Buffer.alloc(0), { source: download, signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(download.readableLength).toBe(64 * 1024);
  });
});
