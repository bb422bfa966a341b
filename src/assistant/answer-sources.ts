import type { KnowledgeHit } from '../knowledge/search-knowledge.ts';
import type { AnswerSource } from './assistant-types.ts';

/** A search hit as a numbered source. */
export function answerSource(hit: KnowledgeHit, n: number): AnswerSource {
  return {
    n,
    citation: hit.citation,
    source: hit.source,
    repo: hit.repo,
    version: hit.version,
    path: hit.path,
    startLine: hit.startLine,
    endLine: hit.endLine,
    url: hit.url,
    heading: hit.headingPath.length > 0 ? hit.headingPath.join(' › ') : null,
    text: hit.text,
  };
}

/** How a source is shown to the model: its number and location on one line, then the passage. */
export function renderSource(hit: KnowledgeHit, n: number): string {
  return `[${n}] ${hit.citation}\n${hit.text.trim()}`;
}
