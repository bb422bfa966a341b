import { randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import * as path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type Entry, open, type ZipFile } from 'yauzl';
import { ValidationError } from '../core/errors/index.ts';
import type { ByteSource } from '../core/ports/object-store.ts';
import type { ArchiveEntry, ArchiveEntryKind } from './archive-types.ts';
import { readZipBody } from './read-zip-body.ts';
import { type ReleaseStager, smallBodyBytes } from './release-stager.ts';
import { zipError } from './zip-error.ts';

/** Host systems (zip "version made by", high byte) whose external attributes carry Unix file modes. */
const unixHosts = new Set([3, 19]);

/** Link targets longer than this are not read; the link is skipped either way. */
const maxLinkTargetBytes = 4096;

/**
 * Extracts a zip download: zip needs random access (its index is at the end), so the download is first
 * spooled to a temporary file in `scratchFolder`, which is removed afterwards, also on failure. Entries
 * are then read with yauzl and handed to `stager`, at most as many at once as its write pool allows.
 * Resolves once every write has settled.
 */
export async function extractZipEntries(
  source: AsyncIterable<Uint8Array>,
  scratchFolder: string,
  stager: ReleaseStager,
  halt: AbortSignal,
): Promise<void> {
  await mkdir(scratchFolder, { recursive: true });
  const file = path.join(scratchFolder, `quarry-download-${randomUUID()}.zip`);
  try {
    await pipeline(source, createWriteStream(file), { signal: halt });
    const zip = await openZip(file);
    try {
      await readEntries(zip, stager, halt);
    } finally {
      // Writes still read from the file; it may only be closed and deleted once they are done.
      await stager.pool.settled();
      zip.close();
    }
  } catch (error) {
    // After a halt, errors are echoes of the failure the pool already holds.
    if (!halt.aborted) throw error;
  } finally {
    await rm(file, { force: true });
  }
}

function openZip(file: string): Promise<ZipFile> {
  const options = { lazyEntries: true, validateEntrySizes: true, strictFileNames: true, autoClose: false };
  return new Promise((resolve, reject) => {
    open(file, options, (error, zip) => {
      if (error) return reject(zipError(error));
      // yauzl throws on an 'error' event nobody listens to, which can come after we stopped reading.
      zip.on('error', () => {});
      resolve(zip);
    });
  });
}

async function readEntries(zip: ZipFile, stager: ReleaseStager, halt: AbortSignal): Promise<void> {
  for (;;) {
    const entry = await nextEntry(zip, halt);
    if (entry === null || halt.aborted) return;
    const key = stager.admit(await describeEntry(zip, entry));
    if (key === null) continue;
    assertReadable(entry);
    await stager.pool.whenNotFull();
    if (stager.pool.failed) return;
    stager.stage(key, entry.uncompressedSize, () => openBody(zip, entry));
  }
}

function nextEntry(zip: ZipFile, halt: AbortSignal): Promise<Entry | null> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      zip.off('entry', onEntry).off('end', onEnd).off('error', onError);
      halt.removeEventListener('abort', onEnd);
    };
    const onEntry = (entry: Entry) => {
      cleanup();
      resolve(entry);
    };
    const onEnd = () => {
      cleanup();
      resolve(null);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(zipError(error));
    };
    zip.on('entry', onEntry).on('end', onEnd).on('error', onError);
    halt.addEventListener('abort', onEnd);
    zip.readEntry();
  });
}

async function describeEntry(zip: ZipFile, entry: Entry): Promise<ArchiveEntry> {
  const kind = entryKind(entry);
  const description = { rawPath: entry.fileName, kind, size: entry.uncompressedSize };
  if (kind !== 'symbolic-link' || entry.uncompressedSize > maxLinkTargetBytes) return description;
  // A zip stores a link's target as its body; it is read only to warn about links leaving the release.
  const target = await collectBody(await openStream(zip, entry), entry);
  return { ...description, linkTarget: target.toString('utf8') };
}

function entryKind(entry: Entry): ArchiveEntryKind {
  if (entry.fileName.endsWith('/')) return 'directory';
  const fileType = (entry.externalFileAttributes >>> 16) & 0o170000;
  if (!unixHosts.has(entry.versionMadeBy >> 8) || fileType === 0 || fileType === 0o100000) return 'file';
  if (fileType === 0o040000) return 'directory';
  if (fileType === 0o120000) return 'symbolic-link';
  return 'special';
}

function assertReadable(entry: Entry): void {
  const reason = entry.isEncrypted()
    ? 'is encrypted'
    : entry.compressionMethod !== 0 && entry.compressionMethod !== 8
      ? `uses compression method ${entry.compressionMethod}, which Quarry cannot read`
      : null;
  if (reason === null) return;
  throw new ValidationError(
    `The archive entry ${JSON.stringify(entry.fileName)} ${reason}; the release was rejected.`,
    {
      hint: 'Quarry reads zip archives that are unencrypted and stored or deflated; ask for a tar.gz or a plain zip.',
    },
  );
}

async function openBody(zip: ZipFile, entry: Entry): Promise<ByteSource> {
  const stream = await openStream(zip, entry);
  return entry.uncompressedSize > smallBodyBytes
    ? readZipBody(stream, entry.crc32, entry.fileName)
    : await collectBody(stream, entry);
}

function openStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, opened) => (error ? reject(zipError(error)) : resolve(opened)));
  });
}

async function collectBody(stream: Readable, entry: Entry): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of readZipBody(stream, entry.crc32, entry.fileName)) chunks.push(chunk);
  return Buffer.concat(chunks);
}
