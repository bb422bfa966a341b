import type { AnswerResult, AnswerSource } from '../assistant/assistant-types.ts';

/** The lines printed after a streamed answer: the cited sources, or the given ones when none was cited. */
export function formatSources(result: AnswerResult): string {
  if (result.retrievalOnly) return formatPassages(result.sources);
  if (result.sources.length === 0)
    return '\n(No indexed passage matched; this answer is not based on your sources.)\n';
  const listed = result.citations.length > 0 ? result.citations : result.sources;
  const title = result.citations.length > 0 ? 'Sources:' : 'Sources given to the model (none was cited):';
  return `\n\n${title}\n${listed.map((source) => `  [${source.n}] ${location(source)}`).join('\n')}\n`;
}

/** Warnings about the citations, one line each, for standard error. */
export function citationWarnings(result: AnswerResult): string[] {
  const warnings = [...result.retrieval.warnings];
  if (result.removedCitations > 0) {
    warnings.push(
      `removed ${result.removedCitations} citation${result.removedCitations === 1 ? '' : 's'} that pointed at no source given to the model`,
    );
  }
  if (result.unsupported)
    warnings.push('the answer cites none of the sources it was given: treat it as unsupported');
  for (const weak of result.citationSupport.weak) {
    const statement = weak.statement.length > 80 ? `${weak.statement.slice(0, 79)}…` : weak.statement;
    warnings.push(
      `"${statement}" shares no words with the source it cites [${weak.cited.join(', ')}]: check it`,
    );
  }
  if (result.finishReason === 'length')
    warnings.push("the answer was cut off at the model's output limit (maxOutputTokens)");
  return warnings;
}

/** A retrieval-only answer: each passage with its source, clearly labelled as passages, not an answer. */
export function formatPassages(sources: AnswerSource[]): string {
  if (sources.length === 0)
    return 'Retrieval only (no language model): no indexed passage matched the question.\n';
  const passages = sources.map(
    (source) => `[${source.n}] ${location(source)}\n${indent(excerpt(source.text))}`,
  );
  return `Retrieval only (no language model): the best passages, not a generated answer.\n\n${passages.join('\n\n')}\n`;
}

/** The JSON form of an answer (`quarry ask --json`). */
export function answerJson(result: AnswerResult) {
  const citation = (source: AnswerSource) => ({
    n: source.n,
    source: source.source,
    repo: source.repo,
    version: source.version,
    path: source.path,
    startLine: source.startLine,
    endLine: source.endLine,
    url: source.url,
  });
  return {
    answer: result.answer,
    citations: (result.retrievalOnly ? result.sources : result.citations).map(citation),
    model: result.model,
    usage: result.usage,
    retrieval: {
      mode: result.retrieval.mode,
      k: result.retrieval.k,
      retrieved: result.retrieval.retrieved,
      packed: result.retrieval.packed,
    },
    standaloneQuestion: result.standaloneQuestion,
    removedCitations: result.removedCitations,
    unsupported: result.unsupported,
    citationSupport: result.citationSupport,
    ...(result.retrievalOnly
      ? {
          retrievalOnly: result.retrievalOnly,
          passages: result.sources.map((source) => ({ ...citation(source), text: source.text })),
        }
      : {}),
  };
}

function location(source: AnswerSource): string {
  const heading = source.heading && !source.url ? `  § ${source.heading}` : '';
  return `${source.citation}${heading}`;
}

const maxExcerptCharacters = 600;

function excerpt(text: string): string {
  const trimmed = text.trim();
  return trimmed.length > maxExcerptCharacters ? `${trimmed.slice(0, maxExcerptCharacters)}…` : trimmed;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n');
}
