import cliProgress from 'cli-progress';
import { formatByteSize } from '../core/byte-size.ts';
import type { SyncProgress } from '../sync/sync-types.ts';

/** Receives progress events and shows them; `stop` clears bars before the summary is printed. */
export interface ProgressReporter {
  update(progress: SyncProgress): void;
  stop(): void;
}

/**
 * Progress bars on a terminal; on anything else (CI logs, pipes) one plain line per phase change and at
 * most one line every few seconds per repository while downloading.
 */
export function createProgressReporter(
  interactive: boolean,
  write: (text: string) => void,
): ProgressReporter {
  return interactive ? barReporter() : lineReporter(write);
}

function describe(progress: SyncProgress): string {
  if (progress.phase === 'done' || progress.phase === 'promoting') {
    return `${progress.files} files, ${formatByteSize(progress.bytes)} extracted`;
  }
  const size = progress.totalBytes ? ` of ${formatByteSize(progress.totalBytes)}` : '';
  return `${progress.files} files, ${formatByteSize(progress.bytes)} extracted, ${formatByteSize(progress.downloadedBytes)}${size} downloaded`;
}

function lineReporter(write: (text: string) => void): ProgressReporter {
  const last = new Map<string, { phase: string; at: number }>();
  return {
    update(progress) {
      const previous = last.get(progress.repoId);
      const now = Date.now();
      if (previous?.phase === progress.phase && now - previous.at < 5000) return;
      last.set(progress.repoId, { phase: progress.phase, at: now });
      const tag = progress.tag ? ` ${progress.tag}` : '';
      const detail = progress.phase === 'checking' ? '' : `: ${describe(progress)}`;
      write(`${progress.repoId}${tag} ${progress.phase}${detail}\n`);
    },
    stop() {},
  };
}

function barReporter(): ProgressReporter {
  const multibar = new cliProgress.MultiBar(
    {
      format: '{repo} {phase} [{bar}] {detail}',
      hideCursor: true,
      clearOnComplete: false,
      stopOnComplete: false,
      stream: process.stderr,
    },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, cliProgress.SingleBar>();
  return {
    update(progress) {
      let bar = bars.get(progress.repoId);
      if (!bar) {
        bar = multibar.create(1, 0, { repo: progress.repoId, phase: '', detail: '' });
        bars.set(progress.repoId, bar);
      }
      const total = progress.totalBytes ?? Math.max(progress.downloadedBytes, 1);
      bar.setTotal(total);
      const value =
        progress.phase === 'done' || progress.phase === 'promoting' ? total : progress.downloadedBytes;
      bar.update(value, { repo: progress.repoId, phase: progress.phase, detail: describe(progress) });
    },
    stop() {
      multibar.stop();
    },
  };
}
