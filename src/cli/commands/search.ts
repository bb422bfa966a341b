import type { Command } from 'commander';

import type { KnowledgeSearchResult } from '../../knowledge/search-knowledge.ts';
import { renderSnippet } from '../../knowledge/snippet.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import {
  addSearchFilterOptions,
  filtersFrom,
  parseLimit,
  parseMode,
  type SearchFilterOptions,
} from '../search-options.ts';

interface SearchOptions extends SearchFilterOptions {
  k: string;
  json?: boolean;
}

/** Registers `quarry search`. */
export function registerSearchCommand(program: Command, io: CliIo): void {
  const command = program
    .command('search')
    .description('search the knowledge base (hybrid keyword + vector when an embedding model is configured)')
    .argument('<query>', 'what to look for')
    .option('--k <number>', 'how many results', '10');
  addSearchFilterOptions(command)
    .option('--json', 'print the results as JSON')
    .action(async (query: string, options: SearchOptions, command: Command) => {
      const limit = parseLimit(options.k, 1000);
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
