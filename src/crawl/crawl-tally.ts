import type { CrawlFailureReason, CrawlIssue, CrawlSkipReason, CrawlSummary } from './crawl-types.ts';

/** Examples kept per list: enough to see what went wrong without flooding `--json`. */
const examplesKept = 20;

/** Counts what a crawl did, page by page, and turns it into a {@link CrawlSummary}. */
export class CrawlTally {
  fetched = 0;
  unchanged = 0;
  new = 0;
  updated = 0;
  removed = 0;
  chunks = 0;
  readonly #skipped: CrawlSummary['skipped'] = { total: 0, reasons: {}, examples: [] };
  readonly #failed: CrawlSummary['failed'] = { total: 0, reasons: {}, examples: [] };
  readonly #warnings: string[] = [];

  constructor(
    private readonly source: string,
    private readonly startUrls: string[],
  ) {}

  /** Counts a URL left out, with the reason in words. */
  skip(url: string, reason: CrawlSkipReason, detail: string): void {
    record(this.#skipped, { url, reason, detail });
  }

  /** Counts a page that could not be crawled. */
  fail(url: string, reason: CrawlFailureReason, detail: string): void {
    record(this.#failed, { url, reason, detail });
  }

  /** Keeps one warning of a kind (e.g. the first embedding failure). */
  warnOnce(text: string): void {
    const kind = text.split(':')[0];
    if (!this.#warnings.some((line) => line.split(':')[0] === kind)) this.#warnings.push(text);
  }

  get warnings(): readonly string[] {
    return this.#warnings;
  }

  /** The summary, as printed by `quarry crawl --json`. */
  summary(durationMs: number, interrupted: boolean): CrawlSummary {
    return {
      source: this.source,
      startUrls: this.startUrls,
      fetched: this.fetched,
      unchanged: this.unchanged,
      new: this.new,
      updated: this.updated,
      removed: this.removed,
      skipped: structuredClone(this.#skipped),
      failed: structuredClone(this.#failed),
      chunks: this.chunks,
      warnings: [...this.#warnings],
      durationMs,
      interrupted,
    };
  }
}

function record(
  list: { total: number; reasons: Partial<Record<string, number>>; examples: CrawlIssue[] },
  issue: CrawlIssue,
): void {
  list.total += 1;
  list.reasons[issue.reason] = (list.reasons[issue.reason] ?? 0) + 1;
  if (list.examples.length < examplesKept) list.examples.push(issue);
}
