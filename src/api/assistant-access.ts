import type { z } from '@hono/zod-openapi';
import type { AnswerSource, AssistantDependencies } from '../assistant/assistant-types.ts';
import { type ConversationDependencies, openConversation } from '../assistant/conversations.ts';
import { NotFoundError, QuarryError } from '../core/errors/index.ts';
import type { ConversationRecord } from '../core/ports/catalog.ts';
import type { SearchFilters } from '../core/ports/search-index.ts';
import type { AppDependencies } from './app-dependencies.ts';
import type { filtersSchema, passageViewSchema, scopeSchema, sourceViewSchema } from './assistant-schemas.ts';
import { describeError } from './http-errors.ts';
import { sourceKeyOf } from './source-key.ts';

/** A source as the assistant routes send it. */
export type SourceView = z.infer<typeof sourceViewSchema>;
/** A source with its passage text. */
export type PassageView = z.infer<typeof passageViewSchema>;
/** `scope` of an assistant request. */
export type AssistantScope = z.infer<typeof scopeSchema>;
/** `filters` of an assistant request. */
export type AssistantFilters = z.infer<typeof filtersSchema>;

/**
 * The assistant for one request: knowledge search, the model `reference` names (or the default one) and
 * the app's history and retrieval settings. A lease without a model gives retrieval-only answers.
 */
export async function openRequestAssistant(
  dependencies: AppDependencies,
  reference: string | undefined,
): Promise<AssistantDependencies> {
  const lease = await dependencies.models.open(reference);
  return {
    search: (request) => dependencies.knowledge.search(request),
    runtime: lease.runtime,
    ...(lease.runtime === undefined ? { unavailableReason: lease.reason } : {}),
    historyTurns: dependencies.settings.historyTurns,
    retrievalK: dependencies.settings.retrievalK,
  };
}

/** How the API stores conversations: in the catalog, with the app's clock and ids. */
export function conversationStore(dependencies: AppDependencies): ConversationDependencies {
  return { catalog: dependencies.catalog, clock: dependencies.clock, newId: dependencies.newId };
}

/**
 * The conversation `conversationId` of a request to continue, when it belongs to `owner` (the signed-in
 * account); otherwise the `NotFoundError` of an unknown one.
 */
export async function resumeConversation(
  dependencies: AppDependencies,
  conversationId: string,
  owner: string,
): Promise<ConversationRecord> {
  return openConversation(conversationStore(dependencies), {
    id: conversationId,
    owner,
    notFoundHint:
      'List your conversations with GET /api/conversations, or leave out conversationId to start a new one.',
  });
}

/**
 * The search filters of a request. `scope` replaces the filter of the same kind; a repository or source
 * that does not exist is a `NotFoundError` (rather than an answer from nothing).
 */
export async function searchFiltersFor(
  dependencies: AppDependencies,
  scope: AssistantScope | undefined,
  filters: AssistantFilters | undefined,
): Promise<SearchFilters> {
  const repos = scope?.repo === undefined ? filters?.repos : [scope.repo];
  const sources = scope?.source === undefined ? filters?.sources : [scope.source];
  for (const repo of repos ?? []) await checkRepo(dependencies, repo);
  if (scope?.source !== undefined) await checkSource(dependencies, scope.source);
  const paths = filters?.paths ?? [];
  return {
    ...(repos?.length ? { repos } : {}),
    ...(filters?.versions?.length ? { versions: filters.versions } : {}),
    ...(sources?.length ? { sources } : {}),
    ...(filters?.languages?.length ? { languages: filters.languages } : {}),
    // One glob, or several as one brace alternation (`{a,b}`), which the index's matcher understands.
    ...(paths.length === 0
      ? {}
      : { pathGlob: paths.length === 1 ? (paths[0] as string) : `{${paths.join(',')}}` }),
  };
}

async function checkRepo(dependencies: AppDependencies, repo: string): Promise<void> {
  if (await dependencies.catalog.getRepo(repo)) return;
  throw new NotFoundError(`There is no repository ${repo}.`, {
    hint: 'GET /api/repos lists the watched repositories (owner/name).',
  });
}

async function checkSource(dependencies: AppDependencies, source: string): Promise<void> {
  if (source.startsWith('github:')) return checkRepo(dependencies, source.slice('github:'.length));
  const known = await dependencies.knowledge.sources();
  if (known.includes(source)) return;
  throw new NotFoundError(`There is no source ${source}.`, {
    hint:
      known.length === 0
        ? 'Only synced repositories are indexed; scope by repo instead.'
        : `Indexed sources besides repositories: ${known.slice(0, 20).join(', ')}.`,
  });
}

/** A source as the routes send it: its location and the object-store key of its file. */
export function sourceView(source: AnswerSource): SourceView {
  return {
    n: source.n,
    citation: source.citation,
    repo: source.repo,
    version: source.version,
    path: source.path,
    startLine: source.startLine,
    endLine: source.endLine,
    url: source.url,
    heading: source.heading,
    key: sourceKeyOf(source),
  };
}

/** A source with the passage text given to the model. */
export function passageView(source: AnswerSource): PassageView {
  return { ...sourceView(source), text: source.text };
}

const genericFailure = 'Something went wrong while answering; it has been logged.';

/**
 * A sentence about a failed answer that is safe to show and store: Quarry errors are written for users
 * (and never hold secrets); a stop by the client says so; anything else becomes a generic sentence, so no
 * stack trace or internal detail reaches the client.
 */
export function answerFailureMessage(error: unknown, signal?: AbortSignal): string {
  if (signal?.aborted) return 'The answer was stopped before it finished.';
  return QuarryError.is(error) ? error.message : genericFailure;
}

/** Logs a failed answer that is the server's fault (as the app's error handler does for JSON routes). */
export function logAnswerFailure(dependencies: AppDependencies, error: unknown, path: string): void {
  if (describeError(error).status >= 500) dependencies.logger.error({ err: error, path }, 'answer failed');
}
