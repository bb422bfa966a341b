import type { RepoRecord } from '../core/ports/catalog.ts';
import type { IndexReport } from './index-report.ts';
import type { KnowledgeBase } from './knowledge-base.ts';

/** How {@link indexRepositories} reports on each repository while it works. */
export interface IndexRepositoriesHooks {
  /** Called as files are indexed (a progress line on a terminal). */
  onProgress?: (path: string, report: IndexReport) => void;
  /** Called once a repository is done, whether it succeeded or failed. */
  onRepositoryDone?: (report: IndexReport | undefined) => void;
}

/** What {@link indexRepositories} did: a report per indexed repository, a line per failure. */
export interface IndexOutcome {
  reports: IndexReport[];
  failures: string[];
}

/**
 * Indexes each repository's current version in turn (one failure does not stop the others), then embeds
 * any chunks still missing vectors. Used by `quarry index`, after a sync, and by the AWS index step.
 */
export async function indexRepositories(
  knowledge: KnowledgeBase,
  repos: readonly RepoRecord[],
  signal: AbortSignal,
  hooks: IndexRepositoriesHooks = {},
): Promise<IndexOutcome> {
  const reports: IndexReport[] = [];
  const failures: string[] = [];
  for (const repo of repos) {
    if (signal.aborted) break;
    try {
      const report = await knowledge.indexRepository(repo, {
        signal,
        ...(hooks.onProgress ? { onProgress: hooks.onProgress } : {}),
      });
      reports.push(report);
      hooks.onRepositoryDone?.(report);
    } catch (error) {
      hooks.onRepositoryDone?.(undefined);
      failures.push(`${repo.id}: ${(error as Error).message}`);
    }
  }
  if (!signal.aborted) {
    try {
      await knowledge.fillVectors({ signal });
    } catch (error) {
      failures.push(`embedding: ${(error as Error).message}`);
    }
  }
  return { reports, failures };
}
