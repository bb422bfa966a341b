import type { IndexReport } from '../knowledge/index-report.ts';
import { formatTable } from './format-table.ts';

/** Warnings printed per run before the rest are only counted. */
const shownWarnings = 20;

/** A table of indexing runs, one row per source. */
export function formatIndexReports(reports: IndexReport[]): string {
  const rows = reports.map((report) => [
    report.source,
    report.version || '-',
    String(report.indexed),
    String(report.unchanged),
    String(report.removed),
    formatSkipped(report.skipped),
    String(report.chunks),
    report.interrupted
      ? 'interrupted'
      : report.vectorsPending > 0
        ? `${report.vectorsPending} vectors pending`
        : 'ok',
  ]);
  return formatTable(
    ['SOURCE', 'VERSION', 'INDEXED', 'UNCHANGED', 'REMOVED', 'SKIPPED', 'CHUNKS', 'STATE'],
    rows,
  );
}

/** `binary 3, too-large 1` or `0`. */
export function formatSkipped(skipped: IndexReport['skipped']): string {
  const parts = Object.entries(skipped).map(([reason, count]) => `${reason} ${count}`);
  return parts.length > 0 ? parts.join(', ') : '0';
}

/** The warnings of a run, the first few in full. */
export function formatWarnings(report: IndexReport): string[] {
  const lines = report.warnings.slice(0, shownWarnings).map((warning) => `warning: ${warning}`);
  if (report.warnings.length > shownWarnings) {
    lines.push(`warning: … and ${report.warnings.length - shownWarnings} more (see --json)`);
  }
  return lines;
}

/** Prints a progress line on a terminal at most every 200 ms. */
export function progressLine(interactive: boolean, write: (text: string) => void) {
  let last = 0;
  return {
    update(path: string, report: IndexReport) {
      if (!interactive) return;
      const now = Date.now();
      if (now - last < 200) return;
      last = now;
      const done = report.indexed + report.unchanged;
      write(`\r\x1b[K${report.source}: ${done} files, ${report.chunks} chunks · ${path.slice(-60)}`);
    },
    finish() {
      if (interactive && last > 0) write('\r\x1b[K');
    },
  };
}
