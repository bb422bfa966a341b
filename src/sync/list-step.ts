import { NotFoundError } from '../core/errors/index.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { normalizeRepoId } from '../core/repo-id.ts';
import { parseStepInput } from './parse-step-input.ts';
import { type ListOutput, listInputSchema } from './sync-step-schemas.ts';
import type { SyncStepContext } from './sync-types.ts';

/**
 * The first step of a pass: the repositories to sync, as the items of a Step Functions Map (or of the
 * in-process runner's loop). Every enabled repository in catalog order, or only `repoId` (even when
 * disabled; a `NotFoundError` when it is not in the catalog). Each item gets a new run id here, so a check
 * retried by the state machine is the same run and finds its own lock.
 */
export async function listStep(input: unknown, context: SyncStepContext): Promise<ListOutput> {
  const request = parseStepInput(listInputSchema, input ?? {}, 'list');
  const repos = await selectRepos(context, request.repoId);
  return {
    repos: repos.map((repo) => ({ repoId: repo.id, runId: context.newRunId(), force: request.force })),
  };
}

async function selectRepos(context: SyncStepContext, repoId: string | undefined): Promise<RepoRecord[]> {
  if (repoId === undefined) return (await context.catalog.listRepos()).filter((repo) => repo.enabled);
  const repo = await context.catalog.getRepo(normalizeRepoId(repoId));
  if (!repo) {
    throw new NotFoundError(`Repository ${repoId} is not in the catalog.`, {
      hint: `Add it first: quarry repos add ${repoId}`,
    });
  }
  return [repo];
}
