import type { Command } from 'commander';
import { ValidationError } from '../../core/errors/index.ts';
import type { SearchFilters, SearchMode } from '../../core/ports/search-index.ts';
import type { KnowledgeSearchResult } from '../../knowledge/search-knowledge.ts';
import { renderSnippet } from '../../knowledge/snippet.ts';
import { type CliIo, withServices } from '../cli-context.ts';

interface SearchOptions {
  k: string;
  repo?: string[];
  version?: string[];
  source?: string[];
  lang?: string[];
  path?: string;
  mode?: string;
  allVersions?: boolean;
  json?: boolean;
}

const modes: readonly SearchMode[] = ['keyword', 'vector', 'hybrid'];

/** Collects repeated or comma-separated option values. */
function collect(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean),
  ];
}

/** Registers `quarry search`. */
export function registerSearchCommand(program: Command, io: CliIo): void {
  program
    .command('search')
    .description('search the knowledge base (hybrid keyword + vector when an embedding model is configured)')
    .argument('<query>', 'what to look for')
    .option('--k <number>', 'how many results', '10')
    .option('--repo <owner/name>', 'only this repository (repeatable)', collect)
    .option('--version <tag>', 'only this version (repeatable); archived versions included', collect)
    .option('--source <name>', 'only this source, e.g. local or github:owner/name (repeatable)', collect)
    .option('--lang <language>', 'only this language, e.g. typescript, markdown (repeatable)', collect)
    .option('--path <glob>', "only paths matching the glob, e.g. 'src/**/*.ts'")
    .option('--mode <mode>', 'keyword, vector or hybrid (default: hybrid when vectors exist)')
    .option('--all-versions', 'include archived versions')
    .option('--json', 'print the results as JSON')
    .action(async (query: string, options: SearchOptions, command: Command) => {
      const limit = parseLimit(options.k);
      const mode = parseMode(options.mode);
      await withServices(command, io, async (services) => {
        const knowledge = await services.knowledge();
        const result = await knowledge.search({
          text: query,
          limit,
          filters: filtersFrom(options),
          ...(mode ? { mode } : {}),
        });
        for (const warning of result.warnings) io.stderr(`warning: ${warning}\n`);
        io.stdout(
          options.json ? `${JSON.stringify(toJson(query, result), null, 2)}\n` : formatHits(result, io),
        );
      });
    });
}

function parseLimit(text: string): number {
  const limit = Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) {
    throw new ValidationError(`--k takes a whole number from 1 to 1000, got ${JSON.stringify(text)}.`);
  }
  return limit;
}

function parseMode(text: string | undefined): SearchMode | undefined {
  if (text === undefined) return undefined;
  if (!modes.includes(text as SearchMode)) {
    throw new ValidationError(`--mode takes keyword, vector or hybrid, got ${JSON.stringify(text)}.`);
  }
  return text as SearchMode;
}

function filtersFrom(options: SearchOptions): SearchFilters {
  return {
    ...(options.repo ? { repos: options.repo } : {}),
    ...(options.version ? { versions: options.version } : {}),
    ...(options.source ? { sources: options.source } : {}),
    ...(options.lang ? { languages: options.lang } : {}),
    ...(options.path ? { pathGlob: options.path } : {}),
    ...(options.allVersions ? { includeArchived: true } : {}),
  };
}

function formatHits(result: KnowledgeSearchResult, io: CliIo): string {
  if (result.hits.length === 0) return 'No matches.\n';
  const [open, close] = io.interactive ? ['\x1b[1m', '\x1b[22m'] : ['**', '**'];
  const lines = result.hits.map((hit, position) => {
    const ranks = [
      hit.keywordRank ? `keyword #${hit.keywordRank}` : '',
      hit.vectorRank ? `vector #${hit.vectorRank}` : '',
    ]
      .filter(Boolean)
      .join(', ');
    const heading = hit.headingPath.length > 0 && !hit.url ? `  § ${hit.headingPath.join(' › ')}` : '';
    return `${position + 1}. ${hit.citation}${heading}  [${hit.score.toFixed(4)}; ${ranks}]\n   ${renderSnippet(hit.snippet, open, close)}`;
  });
  return `${lines.join('\n\n')}\n\n${result.hits.length} results (${result.mode}).\n`;
}

function toJson(query: string, result: KnowledgeSearchResult) {
  return {
    query,
    mode: result.mode,
    hits: result.hits.map((hit, position) => ({
      rank: position + 1,
      score: hit.score,
      citation: hit.citation,
      source: hit.source,
      repo: hit.repo,
      version: hit.version,
      path: hit.path,
      language: hit.language,
      startLine: hit.startLine,
      endLine: hit.endLine,
      headingPath: hit.headingPath,
      url: hit.url,
      title: hit.title,
      keywordRank: hit.keywordRank ?? null,
      vectorRank: hit.vectorRank ?? null,
      snippet: hit.snippet.text,
      highlights: hit.snippet.highlights,
      text: hit.text,
    })),
    warnings: result.warnings,
  };
}
