import { crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { Header, Pax } from 'tar';

/** One entry of a test archive. */
export interface ArchiveEntrySpec {
  /** The name written into the archive, exactly (so it may be malicious). */
  path: string;
  /** `pax-global` is a global pax header, like the `pax_global_header` GitHub tarballs start with. */
  type?:
    | 'file'
    | 'directory'
    | 'symlink'
    | 'hardlink'
    | 'character-device'
    | 'block-device'
    | 'fifo'
    | 'sparse'
    | 'pax-global';
  body?: string | Uint8Array;
  /** Link target for `symlink` and `hardlink`. */
  linkpath?: string;
  /** Size written into the header when it must differ from the body (a lying or huge header). */
  size?: number;
  /** Unix permission bits; 0o644 / 0o755 by default. */
  mode?: number;
}

const tarTypes = {
  file: 'File',
  directory: 'Directory',
  symlink: 'SymbolicLink',
  hardlink: 'Link',
  'character-device': 'CharacterDevice',
  'block-device': 'BlockDevice',
  fifo: 'FIFO',
  sparse: 'SparseFile',
  'pax-global': 'GlobalExtendedHeader',
} as const;

const fixedTime = new Date('2024-05-01T12:00:00Z');

/** Two zero blocks: the end-of-archive marker of a tar stream. */
export const tarEnd = Buffer.alloc(1024);

/** The header block(s) of one tar entry (a pax header first when the name does not fit ustar). */
export function tarHeader(spec: ArchiveEntrySpec): Buffer {
  const body = bodyOf(spec);
  const type = spec.type ?? 'file';
  const data = {
    path: spec.path,
    type: tarTypes[type],
    size: spec.size ?? (hasBody(type) ? body.byteLength : 0),
    mode: spec.mode ?? (type === 'directory' ? 0o755 : 0o644),
    mtime: fixedTime,
    uid: 1000,
    gid: 1000,
    ...(spec.linkpath === undefined ? {} : { linkpath: spec.linkpath }),
  };
  const header = new Header(data);
  // node-tar's ustar encoding can shorten a long name without asking for pax, so long names always get one.
  const needPax = header.encode() || Buffer.byteLength(spec.path) > 100 || (spec.linkpath?.length ?? 0) > 100;
  if (!header.block) throw new Error('tar Header did not encode a block');
  return needPax ? Buffer.concat([new Pax(data).encode(), header.block]) : header.block;
}

/** An uncompressed tar archive with exactly the given entries (no normalisation, so names may be unsafe). */
export function buildTar(entries: ArchiveEntrySpec[], options: { end?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const spec of entries) {
    parts.push(tarHeader(spec));
    const body = bodyOf(spec);
    if (hasBody(spec.type ?? 'file') && body.byteLength > 0) parts.push(body, padding(body.byteLength));
  }
  if (options.end !== false) parts.push(tarEnd);
  return Buffer.concat(parts);
}

/** A global pax header entry as `git archive` writes it, carrying the commit id. */
export function paxGlobalHeader(commit: string): ArchiveEntrySpec {
  const record = ` comment=${commit}\n`;
  const length = record.length + String(record.length + 2).length;
  return { path: 'pax_global_header', type: 'pax-global', body: `${length}${record}` };
}

/** `buildTar`, gzipped. */
export function buildTarGz(entries: ArchiveEntrySpec[]): Buffer {
  return gzipSync(buildTar(entries));
}

/** Zero bytes that pad a tar body of `size` bytes to a whole 512-byte block. */
export function padding(size: number): Buffer {
  return Buffer.alloc((512 - (size % 512)) % 512);
}

/**
 * A gzip stream of `megabytes` MiB of zeros, as concatenated gzip members (which gunzip reads as one
 * stream): about 1 KiB per MiB, so a 1 GiB "bomb" costs 1 MiB and no time to build.
 */
export function gzippedZeros(megabytes: number): Buffer {
  const member = gzipSync(Buffer.alloc(1024 * 1024), { level: 9 });
  return Buffer.concat(Array.from({ length: megabytes }, () => member));
}

/** Options of one zip entry beyond `ArchiveEntrySpec`. */
export interface ZipEntrySpec extends ArchiveEntrySpec {
  /** Raw bytes of the name, overriding `path` (e.g. a name with a backslash yauzl must refuse). */
  rawName?: Uint8Array;
  /** Deflate the body (default) or store it. */
  method?: 'deflate' | 'store';
  /** CRC-32 written into the archive, to simulate corruption. */
  crc?: number;
  /** Set the "encrypted" flag (the body stays readable, as no reader should get that far). */
  encrypted?: boolean;
}

/** A zip archive with exactly the given entries, Unix modes in the external attributes. */
export function buildZip(entries: ZipEntrySpec[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const spec of entries) {
    const record = zipRecord(spec, offset);
    locals.push(record.local);
    centrals.push(record.central);
    offset += record.local.byteLength;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.byteLength, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

function zipRecord(spec: ZipEntrySpec, offset: number): { local: Buffer; central: Buffer } {
  const type = spec.type ?? 'file';
  const body = type === 'symlink' ? Buffer.from(spec.linkpath ?? '') : bodyOf(spec);
  const deflate = (spec.method ?? 'deflate') === 'deflate' && body.byteLength > 0;
  const data = deflate ? deflateRawSync(body) : body;
  const name = Buffer.from(spec.rawName ?? Buffer.from(spec.path));
  const fields = {
    flags: 0x0800 | (spec.encrypted ? 0x0001 : 0),
    method: deflate ? 8 : 0,
    crc: spec.crc ?? crc32(body),
    compressedSize: data.byteLength,
    size: spec.size ?? body.byteLength,
  };
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  writeCommonFields(local, 4, fields, name.byteLength);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE((3 << 8) | 20, 4);
  writeCommonFields(central, 6, fields, name.byteLength);
  central.writeUInt32LE(((zipFileType[type] | (spec.mode ?? 0o644)) << 16) >>> 0, 38);
  central.writeUInt32LE(offset, 42);
  return { local: Buffer.concat([local, name, data]), central: Buffer.concat([central, name]) };
}

const zipFileType = {
  file: 0o100000,
  directory: 0o040000,
  symlink: 0o120000,
  hardlink: 0o100000,
  'character-device': 0o020000,
  'block-device': 0o060000,
  fifo: 0o010000,
  sparse: 0o100000,
  'pax-global': 0o100000,
} as const;

/** Writes the fields local and central headers share, starting at "version needed to extract". */
function writeCommonFields(
  buffer: Buffer,
  start: number,
  fields: { flags: number; method: number; crc: number; compressedSize: number; size: number },
  nameLength: number,
): void {
  buffer.writeUInt16LE(20, start);
  buffer.writeUInt16LE(fields.flags, start + 2);
  buffer.writeUInt16LE(fields.method, start + 4);
  buffer.writeUInt32LE(fields.crc >>> 0, start + 10);
  buffer.writeUInt32LE(fields.compressedSize, start + 14);
  buffer.writeUInt32LE(fields.size, start + 18);
  buffer.writeUInt16LE(nameLength, start + 22);
}

/** Yields `bytes` in chunks of `chunkSize`, like a download. */
export async function* chunked(bytes: Uint8Array, chunkSize = 64 * 1024): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.byteLength; offset += chunkSize) {
    yield bytes.subarray(offset, offset + chunkSize);
  }
}

function hasBody(type: NonNullable<ArchiveEntrySpec['type']>): boolean {
  return type === 'file' || type === 'pax-global';
}

function bodyOf(spec: ArchiveEntrySpec): Buffer {
  if (spec.body === undefined) return Buffer.alloc(0);
  return typeof spec.body === 'string' ? Buffer.from(spec.body) : Buffer.from(spec.body);
}
