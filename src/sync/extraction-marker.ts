import { buffer } from 'node:stream/consumers';
import { z } from 'zod';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { RepoName } from '../core/repo-id.ts';
import { extractionMarkerKey } from './release-layout.ts';
import { extractedCountsSchema } from './sync-step-schemas.ts';

const markerSchema = extractedCountsSchema.extend({
  tag: z.string(),
  /**
   * How far promotion got: `extracted` (not started), `moving` (staging → `current/` began), `archiving`
   * (that move finished; the previous version's move to `archived/` began). A retried promote reads it to
   * resume instead of redoing a move that may have half happened.
   */
  phase: z.enum(['extracted', 'moving', 'archiving']),
});

/** What the extract step recorded about a run's staged release, and how far promotion got. */
export type ExtractionMarker = z.output<typeof markerSchema>;

/**
 * Writes the run's marker. Extract writes it after the last file is staged, so its presence means the
 * staging prefix is complete; promote rewrites it before each move.
 */
export async function writeExtractionMarker(
  store: ObjectStore,
  repo: RepoName,
  runId: string,
  marker: ExtractionMarker,
): Promise<void> {
  await store.put(extractionMarkerKey(repo, runId), JSON.stringify(marker), {
    contentType: 'application/json',
  });
}

/** The run's marker, or `undefined` when extraction has not completed (or the marker is unreadable). */
export async function readExtractionMarker(
  store: ObjectStore,
  repo: RepoName,
  runId: string,
): Promise<ExtractionMarker | undefined> {
  const key = extractionMarkerKey(repo, runId);
  if ((await store.head(key)) === undefined) return undefined;
  const text = (await buffer(await store.get(key))).toString('utf8');
  try {
    const parsed = markerSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    // A marker that is not JSON was never written by a finished extraction: extract again.
    return undefined;
  }
}
