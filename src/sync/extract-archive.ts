import { ValidationError } from '../core/errors/index.ts';
import { assertObjectPrefix } from '../core/ports/object-key.ts';
import type { ExtractOptions, ExtractResult } from './archive-types.ts';
import { ReleaseStager } from './release-stager.ts';
import { extractTarEntries } from './tar-entries.ts';
import { extractZipEntries } from './zip-entries.ts';

export type { ArchiveFormat, ExtractOptions, ExtractProgress, ExtractResult } from './archive-types.ts';

// Parallel writes: 4 and 64 measured the same on this machine's disk and RAM disk; fewer hold less memory.
const defaultConcurrency = 4;

/**
 * Streams a release archive (tar.gz, tar or zip) into `store` under `stagingPrefix`, entry by entry,
 * never holding the archive in memory. Files keep their raw archive path; folders, links and special
 * files are skipped and counted; ignore rules and the file and byte limits apply while streaming.
 *
 * Rejects with `UnsafeInputError` for an entry that would land outside the staging prefix,
 * `LimitExceededError` for `sync.maxFiles` / `sync.maxExtractedBytes`, `ValidationError` for a corrupt or
 * truncated archive, and the signal's reason on abort. Whatever the failure, every write has settled
 * before the promise rejects, so the caller can delete the staging prefix straight away.
 */
export async function extractArchive(options: ExtractOptions): Promise<ExtractResult> {
  assertOptions(options);
  const { signal } = options;
  signal?.throwIfAborted();
  const halt = new AbortController();
  const stager = new ReleaseStager(
    { ...options, concurrency: options.concurrency ?? defaultConcurrency },
    halt,
  );
  const onAbort = () => stager.pool.fail(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const source = countDownloaded(options.source, stager);
    const reading =
      options.format === 'zip'
        ? extractZipEntries(source, options.scratchFolder, stager, halt.signal)
        : extractTarEntries(source, options.format === 'tar.gz', stager, halt.signal);
    await reading.catch((error: unknown) => stager.pool.fail(error));
    await stager.pool.settled();
    if (stager.pool.failed) throw stager.pool.failure;
    stager.reportProgress(true);
    return stager.result();
  } finally {
    signal?.removeEventListener('abort', onAbort);
  }
}

async function* countDownloaded(
  source: AsyncIterable<Uint8Array>,
  stager: ReleaseStager,
): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    stager.countDownloaded(chunk.byteLength);
    yield chunk;
  }
}

function assertOptions(options: ExtractOptions): void {
  if (!['tar.gz', 'tar', 'zip'].includes(options.format)) {
    throw new ValidationError(`The archive format ${JSON.stringify(options.format)} is not supported.`, {
      hint: 'Use a tar.gz, tar or zip archive.',
    });
  }
  assertObjectPrefix(options.stagingPrefix);
  if (options.stagingPrefix === '') {
    throw new ValidationError('The staging prefix must not be empty.', {
      hint: 'Pass a prefix such as staging/run-1/.',
    });
  }
  const concurrency = options.concurrency ?? defaultConcurrency;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new ValidationError(
      `The extraction concurrency must be a whole number of at least 1, got ${concurrency}.`,
      {
        hint: `Leave concurrency unset to use the default of ${defaultConcurrency}.`,
      },
    );
  }
}
