/** What a question is restricted to: one repository, one non-repository source, or everything. */
export type KnowledgeScope = { repo: string } | { source: string } | undefined;

const REPOSITORY_PREFIX = 'repo:';
const SOURCE_PREFIX = 'source:';

/** The `<option>` value of a repository in the knowledge-source selector. */
export function repositoryChoice(repositoryId: string): string {
  return `${REPOSITORY_PREFIX}${repositoryId}`;
}

/** The `<option>` value of a non-repository source in the knowledge-source selector. */
export function sourceChoice(sourceName: string): string {
  return `${SOURCE_PREFIX}${sourceName}`;
}

/** The `scope` to send for a selector value (`''` means all sources). */
export function scopeFromChoice(choice: string): KnowledgeScope {
  if (choice.startsWith(REPOSITORY_PREFIX)) return { repo: choice.slice(REPOSITORY_PREFIX.length) };
  if (choice.startsWith(SOURCE_PREFIX)) return { source: choice.slice(SOURCE_PREFIX.length) };
  return undefined;
}
