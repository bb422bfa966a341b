import { formatByteSize } from '../core/byte-size.ts';
import { LimitExceededError } from '../core/errors/index.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import type { ReleaseArchive } from '../core/ports/release-source.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { extractArchive } from './extract-archive.ts';
import type { IgnoreRules } from './ignore-rules.ts';
import { limitBytes } from './limit-bytes.ts';
import { archivedPrefix, currentPrefix, stagingPrefix } from './release-layout.ts';
import type { SyncContext } from './sync-types.ts';

/** The release to extract. */
export interface ReleaseToExtract {
  tag: string;
  archive: ReleaseArchive;
  ignore: IgnoreRules | null;
  runId: string;
  signal: AbortSignal | undefined;
}

/** What landed under `current/`. */
export interface ExtractedRelease {
  files: number;
  bytes: number;
  skipped: number;
}

/**
 * Streams a release into a staging prefix, promotes it to `current/<owner>/<repo>/<tag>/` in one move,
 * then moves the previous version to `archived/`. The catalog is updated by the caller afterwards, so a
 * crash at any step is undone by `restoreLayout` on the next run.
 */
export async function extractRelease(
  repo: RepoRecord,
  context: SyncContext,
  release: ReleaseToExtract,
): Promise<ExtractedRelease> {
  const name = parseRepoId(repo.id);
  const download = await context.releases.download(name, release.tag, release.archive, release.signal);
  const { maxDownloadBytes } = context.limits;
  if (download.size !== null && download.size > maxDownloadBytes) {
    // Close the response so its connection is not held until garbage collection.
    await download.body[Symbol.asyncIterator]().return?.();
    throw new LimitExceededError(
      'sync.maxDownloadBytes',
      `The release ${release.tag} of ${repo.id} is ${formatByteSize(download.size)}, over sync.maxDownloadBytes (${formatByteSize(maxDownloadBytes)}).`,
      {
        hint: 'Raise sync.maxDownloadBytes in quarry.config.yaml if this release is expected to be this large.',
      },
    );
  }
  const staging = stagingPrefix(name, release.runId);
  const progress = (counts: { files: number; bytes: number; downloadedBytes: number }) =>
    context.onProgress?.({
      repoId: repo.id,
      phase: 'downloading',
      tag: release.tag,
      totalBytes: download.size,
      ...counts,
    });
  const extracted = await extractArchive({
    format: release.archive.format,
    source: limitBytes(download.body, maxDownloadBytes, 'sync.maxDownloadBytes'),
    store: context.store,
    stagingPrefix: staging,
    ignore: release.ignore,
    limits: { maxExtractedBytes: context.limits.maxExtractedBytes, maxFiles: context.limits.maxFiles },
    scratchFolder: context.scratchFolder,
    onProgress: progress,
    onWarning: (message) => context.logger.debug({ repo: repo.id }, message),
    ...(release.signal ? { signal: release.signal } : {}),
  });
  context.onProgress?.({
    repoId: repo.id,
    phase: 'promoting',
    tag: release.tag,
    totalBytes: download.size,
    files: extracted.files,
    bytes: extracted.bytes,
    downloadedBytes: download.size ?? 0,
  });
  const root = extracted.rootFolder === null ? staging : `${staging}${extracted.rootFolder}/`;
  await context.store.movePrefix(root, currentPrefix(name, release.tag));
  if (repo.version !== null && repo.version !== release.tag) {
    await context.store.movePrefix(currentPrefix(name, repo.version), archivedPrefix(name, repo.version));
  }
  const skipped = extracted.skipped.ignored + extracted.skipped.links + extracted.skipped.special;
  return { files: extracted.files, bytes: extracted.bytes, skipped };
}
