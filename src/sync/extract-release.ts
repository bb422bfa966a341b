import { formatByteSize } from '../core/byte-size.ts';
import { LimitExceededError } from '../core/errors/index.ts';
import type { ArchiveDownload, ReleaseArchive } from '../core/ports/release-source.ts';
import { parseRepoId } from '../core/repo-id.ts';
import { extractArchive } from './extract-archive.ts';
import type { IgnoreRules } from './ignore-rules.ts';
import { limitBytes } from './limit-bytes.ts';
import { stagingPrefix } from './release-layout.ts';
import type { ExtractedCounts } from './sync-step-schemas.ts';
import type { SyncContext } from './sync-types.ts';

/** The release to extract. */
export interface ReleaseToExtract {
  repoId: string;
  tag: string;
  archive: ReleaseArchive;
  ignore: IgnoreRules | null;
  runId: string;
  /** Local folder for this run's temporary files (zip archives are spooled there). */
  scratchFolder: string;
  signal: AbortSignal | undefined;
}

/**
 * Streams a release from the release source straight into the run's staging prefix
 * (`staging/<owner>/<repo>/<run id>/`), applying the ignore rules and the download, size and file-count
 * limits as the bytes arrive; the archive is never held whole. Nothing outside staging is touched.
 */
export async function extractRelease(
  context: SyncContext,
  release: ReleaseToExtract,
): Promise<ExtractedCounts> {
  const name = parseRepoId(release.repoId);
  const download = await context.releases.download(name, release.tag, release.archive, release.signal);
  const { maxDownloadBytes } = context.limits;
  await refuseOversizedDownload(download, maxDownloadBytes, release);
  const progress = (counts: { files: number; bytes: number; downloadedBytes: number }) =>
    context.onProgress?.({
      repoId: release.repoId,
      phase: 'downloading',
      tag: release.tag,
      totalBytes: download.size,
      ...counts,
    });
  const extracted = await extractArchive({
    format: release.archive.format,
    source: limitBytes(download.body, maxDownloadBytes, 'sync.maxDownloadBytes'),
    store: context.store,
    stagingPrefix: stagingPrefix(name, release.runId),
    ignore: release.ignore,
    limits: { maxExtractedBytes: context.limits.maxExtractedBytes, maxFiles: context.limits.maxFiles },
    scratchFolder: release.scratchFolder,
    onProgress: progress,
    onWarning: (message) => context.logger.debug({ repo: release.repoId }, message),
    ...(release.signal ? { signal: release.signal } : {}),
  });
  const skipped = extracted.skipped.ignored + extracted.skipped.links + extracted.skipped.special;
  return { files: extracted.files, bytes: extracted.bytes, skipped, rootFolder: extracted.rootFolder };
}

/** Refuses a download whose announced size is over `sync.maxDownloadBytes` (unannounced sizes are capped while streaming). */
async function refuseOversizedDownload(
  download: ArchiveDownload,
  maxDownloadBytes: number,
  release: ReleaseToExtract,
): Promise<void> {
  if (download.size === null || download.size <= maxDownloadBytes) return;
  // Close the response so its connection is not held until garbage collection.
  await download.body[Symbol.asyncIterator]().return?.();
  throw new LimitExceededError(
    'sync.maxDownloadBytes',
    `The release ${release.tag} of ${release.repoId} is ${formatByteSize(download.size)}, over sync.maxDownloadBytes (${formatByteSize(maxDownloadBytes)}).`,
    {
      hint: 'Raise sync.maxDownloadBytes in quarry.config.yaml if this release is expected to be this large.',
    },
  );
}
