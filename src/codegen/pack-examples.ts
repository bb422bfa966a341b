import { NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { KnowledgeHit } from '../knowledge/search-knowledge.ts';

/** One passage the generated code was grounded in, numbered as the model saw it. */
export interface GroundingSource {
  /** The passage's number in the prompt (`[n]`), from 1. */
  n: number;
  repo: string;
  version: string;
  path: string;
  startLine: number;
  endLine: number;
  /** `owner/repo@version:path:12-40`. */
  citation: string;
}

/** The `{{examples}}` text for the code prompt and the passages it holds. */
export interface PackedExamples {
  text: string;
  sources: GroundingSource[];
}

/** Looks up example passages for a request; see `CodeGenerationDependencies.findExamples`. */
export type FindExamples = (repo: string, query: string) => Promise<KnowledgeHit[]>;

/** What {@link retrieveExamples} needs to know. */
export interface ExampleRequest {
  /** `owner/repo`, already validated. */
  repo: string;
  /** The user's message, used as the search query. */
  query: string;
  /** Tokens the examples may take in the prompt. */
  budget: number;
  countTokens: (text: string) => number;
}

/**
 * Searches `repo` for passages like the request and packs them for the prompt. A repository with no hits
 * is a `NotFoundError` rather than silently ungrounded code: the user asked for code in that project's
 * style, and the usual cause (not synced or not indexed yet) has a clear fix. Hits that exist but of
 * which none fits the budget are a `ValidationError`, for the same reason.
 */
export async function retrieveExamples(
  findExamples: FindExamples,
  request: ExampleRequest,
): Promise<PackedExamples> {
  const hits = await findExamples(request.repo, request.query);
  if (hits.length === 0) {
    throw new NotFoundError(`There is no indexed code from ${request.repo} to ground the request in.`, {
      hint: `Run quarry sync and quarry index for ${request.repo} first, or leave out --ground.`,
    });
  }
  const packed = packExamples(hits, request);
  if (packed.sources.length === 0) {
    throw new ValidationError(
      `None of the ${hits.length} passages found in ${request.repo} fits in the ${Math.max(0, request.budget)} tokens left in the model's context.`,
      {
        hint: 'Shorten the message, or use a model with a larger context window (contextTokens in its model entry).',
      },
    );
  }
  return packed;
}

/**
 * Packs hits, best first, as numbered passages (`[n] citation` and the passage text) under a header,
 * within `budget` tokens. Passages are kept whole, because half a function teaches the model the wrong
 * thing; one that does not fit is skipped and a smaller later one may still be taken.
 */
export function packExamples(
  hits: KnowledgeHit[],
  options: Pick<ExampleRequest, 'repo' | 'budget' | 'countTokens'>,
): PackedExamples {
  const header = `Examples from ${options.repo} (numbered passages; follow their APIs and conventions where they apply):`;
  let used = options.countTokens(`${header}\n\n`);
  const passages: string[] = [];
  const sources: GroundingSource[] = [];
  for (const hit of hits) {
    const n = sources.length + 1;
    const passage = `[${n}] ${hit.citation}\n${hit.text.trimEnd()}`;
    const cost = options.countTokens(`${passage}\n\n`);
    if (used + cost > options.budget) continue;
    used += cost;
    passages.push(passage);
    sources.push(sourceOf(hit, n, options.repo));
  }
  if (sources.length === 0) return { text: '', sources };
  return { text: `${header}\n\n${passages.join('\n\n')}\n`, sources };
}

function sourceOf(hit: KnowledgeHit, n: number, repo: string): GroundingSource {
  return {
    n,
    repo: hit.repo ?? repo,
    version: hit.version,
    path: hit.path,
    startLine: hit.startLine,
    endLine: hit.endLine,
    citation: hit.citation,
  };
}
