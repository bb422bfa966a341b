import { ValidationError } from '../core/errors/index.ts';
import type { RepoRecord } from '../core/ports/catalog.ts';
import { type IgnoreRules, parseIgnoreFile } from './ignore-rules.ts';
import type { SyncContext } from './sync-types.ts';

/** Reads and parses a repository's ignore file, or returns `null` when it has none. */
export async function loadIgnoreRules(
  repo: Pick<RepoRecord, 'id' | 'ignoreFile'>,
  context: Pick<SyncContext, 'readFile'>,
): Promise<IgnoreRules | null> {
  if (repo.ignoreFile === null) return null;
  let bytes: Uint8Array;
  try {
    bytes = await context.readFile(repo.ignoreFile);
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
    throw new ValidationError(
      `The ignore file ${repo.ignoreFile} of ${repo.id} cannot be read (${reason}).`,
      {
        hint: `Restore the file, or point the repository at another one with \`quarry repos add ${repo.id} --ignore-file <path>\`.`,
        cause: error,
      },
    );
  }
  return parseIgnoreFile(bytes, repo.ignoreFile);
}
