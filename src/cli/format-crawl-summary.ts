import type { CrawlSummary } from '../crawl/crawl-types.ts';

/** Reasons and their counts, most frequent first: `robots 3, depth 2`. */
function countsOf(reasons: Partial<Record<string, number>>): string {
  return Object.entries(reasons)
    .sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
}

/** The human summary of one crawl, as `quarry crawl` prints it. */
export function formatCrawlSummary(summary: CrawlSummary): string {
  const seconds = (summary.durationMs / 1000).toFixed(1);
  const lines = [
    `Crawled ${summary.source}${summary.interrupted ? ' (stopped early)' : ''}: ${summary.fetched} fetched, ` +
      `${summary.new} new, ${summary.updated} updated, ${summary.unchanged} unchanged, ${summary.removed} removed, ` +
      `${summary.chunks} sections written, in ${seconds} s.`,
  ];
  if (summary.skipped.total > 0) {
    lines.push(`Skipped ${summary.skipped.total}: ${countsOf(summary.skipped.reasons)}.`);
  }
  if (summary.failed.total > 0) {
    lines.push(`Failed ${summary.failed.total}: ${countsOf(summary.failed.reasons)}.`);
    for (const issue of summary.failed.examples.slice(0, 10)) {
      lines.push(`  ${issue.url}: ${issue.detail}`);
    }
  }
  for (const warning of summary.warnings) lines.push(`Note: ${warning}`);
  return `${lines.join('\n')}\n`;
}
