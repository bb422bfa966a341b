import type { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { type Entry, open, type ZipFile } from 'yauzl';
import { ValidationError } from '../../core/errors/index.ts';
import { beirLayoutHint, type DatasetFiles, isHiddenName, rootMarkers } from './dataset-files.ts';
import { textLines } from './text-lines.ts';

/**
 * A dataset in a zip archive, read in place: only the archive's index is held in memory, and each file
 * is inflated as a stream while it is read, its CRC-32 checked at the end. The root is the top of the
 * archive when a root marker is there, else its only top folder.
 */
export async function openZipDatasetFiles(archive: string): Promise<DatasetFiles> {
  const zip = await openZip(archive);
  try {
    const entries = await readIndex(zip, archive);
    const root = findRoot(entries);
    return {
      root,
      has: async (relativePath) => entries.has(root + relativePath),
      list: async (folder) => {
        const prefix = `${root}${folder}/`;
        return [...entries.keys()]
          .filter((name) => name.startsWith(prefix) && !name.slice(prefix.length).includes('/'))
          .map((name) => name.slice(prefix.length))
          .sort();
      },
      lines: (relativePath) => {
        const name = root + relativePath;
        const entry = entries.get(name);
        if (!entry) throw new ValidationError(`The archive ${archive} has no file ${name}.`);
        return textLines(checkedBody(zip, entry, `${name} in the dataset archive ${archive}`));
      },
      close: async () => zip.close(),
    };
  } catch (error) {
    zip.close();
    throw error;
  }
}

function openZip(archive: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    open(archive, { lazyEntries: true, autoClose: false, validateEntrySizes: true }, (error, zip) => {
      if (error) {
        reject(
          new ValidationError(
            `The dataset at ${archive} is neither a folder nor a readable zip archive (${error.message}).`,
            { hint: beirLayoutHint, cause: error },
          ),
        );
        return;
      }
      // yauzl throws on an 'error' event nobody listens to; errors also reach the pending read.
      zip.on('error', () => {});
      resolve(zip);
    });
  });
}

/** Every file entry by name (folders left out; Windows separators turned into slashes). */
function readIndex(zip: ZipFile, archive: string): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  return new Promise((resolve, reject) => {
    zip.on('entry', (entry: Entry) => {
      const name = entry.fileName.replaceAll('\\', '/');
      if (!name.endsWith('/')) entries.set(name, entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(corruptArchive(`the dataset archive ${archive}`, error)));
    zip.readEntry();
  });
}

function findRoot(entries: Map<string, Entry>): string {
  if (rootMarkers.some((marker) => entries.has(marker))) return '';
  const topFolders = new Set<string>();
  for (const name of entries.keys()) {
    const slash = name.indexOf('/');
    if (slash > 0 && !isHiddenName(name.slice(0, slash))) topFolders.add(name.slice(0, slash + 1));
  }
  const [only] = topFolders;
  return topFolders.size === 1 && only !== undefined ? only : '';
}

async function* checkedBody(zip: ZipFile, entry: Entry, name: string): AsyncGenerator<Uint8Array> {
  const stream = await openStream(zip, entry, name);
  let checksum = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      checksum = crc32(chunk, checksum);
      yield chunk;
    }
  } catch (error) {
    throw corruptArchive(name, error);
  }
  if (checksum >>> 0 !== entry.crc32 >>> 0) throw corruptArchive(name, 'its CRC-32 checksum does not match');
}

function openStream(zip: ZipFile, entry: Entry, name: string): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) =>
      error ? reject(corruptArchive(name, error)) : resolve(stream),
    );
  });
}

/** `subject` names what could not be read: a file in the archive, or the archive itself. */
function corruptArchive(subject: string, cause: unknown): ValidationError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new ValidationError(`Cannot read ${subject}: ${reason.replace(/\.$/, '')}.`, {
    hint: 'The archive is corrupt or truncated; download the dataset again.',
    ...(cause instanceof Error ? { cause } : {}),
  });
}
