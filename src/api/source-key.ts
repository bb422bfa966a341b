import { parseRepoId } from '../core/repo-id.ts';
import { currentPrefix } from '../sync/release-layout.ts';

/**
 * The object-store key of a passage's file, for the source viewer (`GET /api/sources/<key>`): synced
 * repositories keep their current release under `current/<owner>/<repo>/<tag>/`. Ingested folders and
 * crawled pages are not in the store, so they have no key (the viewer shows the passage or the URL).
 */
export function sourceKeyOf(passage: { repo: string | null; version: string; path: string }): string | null {
  if (!passage.repo || passage.version === '') return null;
  try {
    return `${currentPrefix(parseRepoId(passage.repo), passage.version)}${passage.path}`;
  } catch {
    return null;
  }
}
