import { createHash } from 'node:crypto';
import { NotFoundError, QuarryError } from '../core/errors/index.ts';
import type { ChunkInput, IndexedDocument, SearchIndex } from '../core/ports/search-index.ts';
import { describeError } from '../core/redact.ts';
import { chunkDocument } from './documents/chunk-document.ts';
import { classifyFile, isMinified } from './documents/classify-file.ts';
import { type Embedder, serialized } from './embedder.ts';
import { countSkipped, emptyReport, type IndexReport } from './index-report.ts';
import type { SourceFile } from './source-file.ts';
import { WriteBatcher } from './write-batcher.ts';

const keepText = (text: string) => text;

/**
 * Files read and chunked at once: reading from S3 is latency-bound, so a few in flight keep the writer
 * busy, while each write stays its own transaction.
 */
const filesInFlight = 4;

/** The run's options plus the shared write batcher. */
interface FileOptions extends IndexFilesOptions {
  writes: WriteBatcher;
}

/** Bytes looked at to tell text from binary. */
const headBytes = 8 * 1024;

/** Which documents a run owns: everything of a source, or only those under some paths. */
export interface IndexScope {
  source: string;
  repo?: string;
  version: string;
  /** Only documents under these paths are compared and removed (local ingests of some folders). */
  pathPrefixes?: string[];
}

/** Options of {@link indexFiles}. */
export interface IndexFilesOptions {
  index: SearchIndex;
  files: AsyncIterable<SourceFile>;
  scope: IndexScope;
  maxFileBytes: number;
  chunkCharacters: number;
  /** Keep the documents of a replaced version (archived) instead of deleting them. */
  keepArchivedVersions: boolean;
  embedder?: Embedder;
  signal?: AbortSignal;
  /** Removes secrets from messages that reach the report (the CLI passes its redactor). */
  redact?: (text: string) => string;
  /** Called after each file with the path and the report so far. */
  onProgress?: (path: string, report: IndexReport) => void;
}

/**
 * Brings the index in line with a set of files. A file whose content hash the index already holds is
 * neither re-chunked nor re-embedded (a new version only re-labels it); a new or changed file is chunked,
 * embedded and written in one atomic step, replacing its previous version; documents whose file is gone
 * are removed (or archived) once every file was seen. Each file is written on its own, so a run that is
 * killed leaves whole documents only, and the next run picks up where it stopped.
 */
export async function indexFiles(options: IndexFilesOptions): Promise<IndexReport> {
  const { scope } = options;
  const report = emptyReport(scope.source, scope.version);
  const known = await currentDocuments(options.index, scope);
  const seen = new Set<string>();
  const inFlight = new Set<Promise<void>>();
  const embedder = options.embedder ? serialized(options.embedder) : undefined;
  const writes = new WriteBatcher(options.index);
  const perFile: FileOptions = { ...options, writes, ...(embedder ? { embedder } : {}) };
  try {
    for await (const file of options.files) {
      if (options.signal?.aborted) {
        report.interrupted = true;
        break;
      }
      const task = indexOneFile(file, known.get(file.path), perFile, report).then((current) => {
        if (current) seen.add(file.path);
        options.onProgress?.(file.path, report);
      });
      inFlight.add(task);
      void task.finally(() => inFlight.delete(task)).catch(() => {});
      if (inFlight.size >= filesInFlight) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    await writes.flush();
  } finally {
    // Never leave a write running behind a failure: the caller may close the index next. Files chunked
    // before a stop are still written (whole documents), so the next run has less to do.
    await Promise.allSettled(inFlight);
    await writes.flush().catch(() => {});
  }
  // A stop that comes after the last file still skips removals: the walk may have been cut short.
  if (options.signal?.aborted) report.interrupted = true;
  if (!report.interrupted) {
    await removeUnseen(options, known, seen, report);
    await options.index.recordCompletedRun(scope.source, scope.version);
  }
  return report;
}

async function currentDocuments(
  index: SearchIndex,
  scope: IndexScope,
): Promise<Map<string, IndexedDocument>> {
  const documents = await index.listDocuments({
    source: scope.source,
    currentOnly: true,
    ...(scope.pathPrefixes ? { pathPrefixes: scope.pathPrefixes } : {}),
  });
  return new Map(documents.map((document) => [document.path, document]));
}

/** Indexes one file; returns whether the file now has a current document (so it must not be removed). */
async function indexOneFile(
  file: SourceFile,
  existing: IndexedDocument | undefined,
  options: FileOptions,
  report: IndexReport,
): Promise<boolean> {
  if (file.size > options.maxFileBytes) {
    countSkipped(report, 'too-large');
    report.warnings.push(`${file.path}: skipped, ${file.size} bytes is over knowledge.maxFileBytes`);
    return false;
  }
  const bytes = await readFile(file, report, options.redact ?? keepText);
  if (!bytes) return false;
  const contentHash = createHash('sha256').update(bytes).digest('hex');
  if (existing && existing.contentHash === contentHash) {
    if (existing.version !== options.scope.version) {
      await options.index.carryDocument(existing.id, options.scope.version, {
        keepOriginal: options.keepArchivedVersions,
      });
    }
    report.unchanged += 1;
    return true;
  }
  const verdict = classifyFile({
    path: file.path,
    size: bytes.byteLength,
    head: bytes.subarray(0, headBytes),
    maxFileBytes: options.maxFileBytes,
  });
  if (!verdict.index) {
    countSkipped(report, verdict.reason);
    return false;
  }
  return writeFile(file, bytes, contentHash, verdict.language, existing, options, report);
}

async function readFile(
  file: SourceFile,
  report: IndexReport,
  redact: (text: string) => string,
): Promise<Uint8Array | undefined> {
  try {
    return await file.read();
  } catch (error) {
    const vanished = error instanceof NotFoundError;
    countSkipped(report, vanished ? 'vanished' : 'unreadable');
    report.warnings.push(
      `${file.path}: ${vanished ? 'gone before it could be read' : describeError(error, redact)}`,
    );
    return undefined;
  }
}

async function writeFile(
  file: SourceFile,
  bytes: Uint8Array,
  contentHash: string,
  language: string,
  existing: IndexedDocument | undefined,
  options: FileOptions,
  report: IndexReport,
): Promise<boolean> {
  if (language !== 'pdf' && isMinified(Buffer.from(bytes).toString('utf8'), language)) {
    countSkipped(report, 'minified');
    return false;
  }
  let parsed: Awaited<ReturnType<typeof chunkDocument>>;
  try {
    parsed = await chunkDocument(
      { path: file.path, bytes, language },
      { maxCharacters: options.chunkCharacters },
    );
  } catch (error) {
    countSkipped(report, 'unreadable');
    report.warnings.push(`${file.path}: ${describeError(error, options.redact ?? keepText)}`);
    return false;
  }
  if (parsed.invalidBytes > 0) {
    report.invalidUtf8Files += 1;
    report.warnings.push(
      `${file.path}: ${parsed.invalidBytes} bytes were not valid UTF-8 and read as U+FFFD`,
    );
  }
  const chunks: ChunkInput[] = parsed.chunks;
  const vectors = await embedChunks(chunks, file.path, options, report);
  const { scope } = options;
  const replacesOlderVersion = existing !== undefined && existing.version !== scope.version;
  await options.writes.add({
    document: {
      source: scope.source,
      ...(scope.repo ? { repo: scope.repo } : {}),
      version: scope.version,
      path: file.path,
      language: parsed.language,
      ...(parsed.title ? { title: parsed.title } : {}),
      contentHash,
      byteSize: bytes.byteLength,
    },
    chunks,
    options: {
      ...(vectors ? { vectors } : {}),
      ...(existing ? { replaces: existing.id } : {}),
      keepReplaced: replacesOlderVersion && options.keepArchivedVersions,
    },
  });
  report.indexed += 1;
  report.chunks += chunks.length;
  return true;
}

async function embedChunks(
  chunks: ChunkInput[],
  path: string,
  options: IndexFilesOptions,
  report: IndexReport,
): Promise<{ spaceKey: string; values: Float32Array[] } | undefined> {
  const embedder = options.embedder;
  if (!embedder || chunks.length === 0) return undefined;
  try {
    const values = await embedder.embed(chunks.map((chunk) => chunk.text));
    return { spaceKey: embedder.spaceKey, values };
  } catch (error) {
    // Keyword search still works; the missing vectors are filled on a later run.
    report.vectorsPending += chunks.length;
    if (!report.warnings.some((line) => line.startsWith('embedding:'))) {
      report.warnings.push(
        `embedding: ${describeError(error, options.redact ?? keepText)} (first failure, at ${path})`,
      );
    }
    if (!(error instanceof QuarryError)) throw error;
    return undefined;
  }
}

async function removeUnseen(
  options: IndexFilesOptions,
  known: Map<string, IndexedDocument>,
  seen: Set<string>,
  report: IndexReport,
): Promise<void> {
  const gone = [...known.values()].filter((document) => !seen.has(document.path));
  if (gone.length === 0) return;
  const fromOlderVersion = gone.filter((document) => document.version !== options.scope.version);
  const keep = options.keepArchivedVersions ? fromOlderVersion : [];
  const remove = gone.filter((document) => !keep.includes(document));
  if (keep.length > 0) await options.index.archiveDocuments(keep.map((document) => document.id));
  if (remove.length > 0) await options.index.deleteDocuments(remove.map((document) => document.id));
  report.removed += gone.length;
}
