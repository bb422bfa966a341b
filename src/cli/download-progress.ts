import cliProgress from 'cli-progress';
import { formatByteSize } from '../core/byte-size.ts';

/** Shows a model download: a bar on a terminal, a line every 10% (or every 50 MB when the size is unknown) otherwise. */
export interface DownloadProgress {
  update(receivedBytes: number, totalBytes: number | undefined): void;
  stop(): void;
}

/** Creates the progress display for downloading `what`. */
export function createDownloadProgress(
  what: string,
  interactive: boolean,
  write: (text: string) => void,
): DownloadProgress {
  return interactive ? barProgress(what) : lineProgress(what, write);
}

function barProgress(what: string): DownloadProgress {
  let bar: cliProgress.SingleBar | undefined;
  return {
    update(receivedBytes, totalBytes) {
      if (bar === undefined) {
        bar = new cliProgress.SingleBar(
          {
            format: `downloading ${what} [{bar}] {percentage}% {received} of {total}`,
            hideCursor: true,
            stream: process.stderr,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(totalBytes ?? 0, 0, {
          received: '0 B',
          total: totalBytes ? formatByteSize(totalBytes) : '?',
        });
      }
      bar.update(receivedBytes, { received: formatByteSize(receivedBytes) });
    },
    stop() {
      bar?.stop();
    },
  };
}

function lineProgress(what: string, write: (text: string) => void): DownloadProgress {
  let nextReport = 0;
  return {
    update(receivedBytes, totalBytes) {
      const step = totalBytes ? totalBytes / 10 : 50 * 1024 * 1024;
      if (receivedBytes < nextReport) return;
      nextReport = receivedBytes + step;
      const share = totalBytes ? ` (${Math.floor((receivedBytes / totalBytes) * 100)}%)` : '';
      write(
        `downloading ${what}: ${formatByteSize(receivedBytes)}${totalBytes ? ` of ${formatByteSize(totalBytes)}` : ''}${share}\n`,
      );
    },
    stop() {},
  };
}
