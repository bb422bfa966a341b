import type { Command } from 'commander';
import { formatByteSize } from '../../core/byte-size.ts';
import type { CrawlSiteRecord } from '../../core/ports/catalog.ts';
import type { KnowledgeStatus } from '../../knowledge/knowledge-status.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { formatTable } from '../format-table.ts';

/** Registers `quarry status`. */
export function registerStatusCommand(program: Command, io: CliIo): void {
  program
    .command('status')
    .description(
      'show what is indexed (sources, documents, chunks, embedding model, size) and what is pending',
    )
    .option('--json', 'print the status as JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      await withServices(command, io, async (services) => {
        const status = await (await services.knowledge()).status();
        const crawledSites = await services.catalog.listCrawlSites();
        const where = services.config.knowledge.index === 'sqlite' ? 'SQLite' : 'PostgreSQL';
        io.stdout(
          options.json
            ? `${JSON.stringify({ index: where, ...status, crawledSites }, null, 2)}\n`
            : formatStatus(where, status) + formatCrawledSites(crawledSites),
        );
      });
    });
}

function formatStatus(where: string, status: KnowledgeStatus): string {
  const lines = [
    `Index: ${where}, ${status.documents} documents, ${status.chunks} chunks, ${formatByteSize(status.sizeBytes)}.`,
    `Search: ${status.searchMode === 'hybrid' ? 'hybrid (keyword + vector)' : 'keyword-only'}.`,
    `Embedding model: ${status.embedding.configured ? status.embedding.configured.description : 'none configured (keyword-only search; set knowledge.embedding to add vectors)'}.`,
  ];
  if (status.embedding.active) lines.push(`Vectors served from: ${status.embedding.active}.`);
  if (status.embedding.building) {
    lines.push(
      `Re-embedding into: ${status.embedding.building} (the active vectors keep serving until it is complete).`,
    );
  }
  if (status.sources.length > 0) {
    const rows = status.sources.map((source) => [
      source.source,
      source.versions.map((version) => version || '-').join(', '),
      String(source.documents),
      String(source.chunks),
    ]);
    lines.push('', formatTable(['SOURCE', 'VERSIONS', 'DOCUMENTS', 'CHUNKS'], rows));
  }
  const pending: string[] = status.pending.repos.map(
    (repo) => `  ${repo.id}@${repo.version} (run quarry index)`,
  );
  if (status.pending.vectors > 0)
    pending.push(`  ${status.pending.vectors} chunks without vectors (run quarry index)`);
  lines.push('', pending.length > 0 ? `Pending:\n${pending.join('\n')}` : 'Pending: nothing.');
  return `${lines.join('\n')}\n`;
}

/** The crawled sites with their page counts and how their last crawl went. */
function formatCrawledSites(sites: CrawlSiteRecord[]): string {
  if (sites.length === 0) return '';
  const rows = sites.map((site) => [
    site.name,
    String(site.pageCount),
    site.lastFinishedAt ?? (site.lastStartedAt ? 'never finished' : 'never'),
    lastCrawlResult(site.lastSummary),
  ]);
  return `\nCrawled sites:\n${formatTable(['SITE', 'PAGES', 'LAST CRAWL', 'RESULT'], rows)}\n`;
}

function lastCrawlResult(summary: Record<string, unknown> | null): string {
  if (!summary) return '-';
  const count = (key: string) => Number(summary[key] ?? 0);
  const failed = Number((summary.failed as { total?: number } | undefined)?.total ?? 0);
  const parts = [
    `${count('fetched')} fetched`,
    `${count('new') + count('updated')} changed`,
    `${count('removed')} removed`,
  ];
  if (failed > 0) parts.push(`${failed} failed`);
  if (summary.interrupted === true) parts.push('stopped early');
  return parts.join(', ');
}
