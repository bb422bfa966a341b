import type { EmbeddingSettings } from '../core/config.ts';
import type { EmbeddingRuntime } from '../core/ports/embedding-runtime.ts';
import type { SearchIndex, VectorSpace } from '../core/ports/search-index.ts';
import { embedTexts } from '../models/embedding-runtime.ts';
import type { Embedder } from './embedder.ts';

/** Settings worth keeping beside the vectors: enough to embed queries later, and no secret. */
export function storableModelSettings(settings: EmbeddingSettings): Record<string, unknown> {
  const { apiKey: _secret, ...rest } = settings;
  return rest;
}

/**
 * Makes sure the index has a vector space for `runtime` (learning its dimensions from one probe
 * embedding when the settings do not say) and returns an embedder writing into it. The space is active
 * at once when it is the index's first; otherwise it builds beside the active one until it is complete.
 */
export async function vectorSpaceFor(
  index: SearchIndex,
  runtime: EmbeddingRuntime,
  settings: EmbeddingSettings,
): Promise<{ space: VectorSpace; embedder: Embedder }> {
  const embed = (texts: string[]) => embedTexts(runtime, texts, { batchSize: settings.batchSize });
  const existing = (await index.listVectorSpaces()).find((space) => space.key === runtime.key);
  const dimensions =
    existing?.dimensions ?? settings.dimensions ?? (await embed(['dimension probe']))[0]?.length;
  const space = await index.ensureVectorSpace({
    key: runtime.key,
    dimensions: dimensions ?? 0,
    model: storableModelSettings(settings),
  });
  return { space, embedder: { spaceKey: runtime.key, embed } };
}

/**
 * Embeds every chunk that has no vector in the embedder's space yet, in batches, then makes that space
 * the active one if it was building. Until that switch, searches keep using the old space's vectors.
 * Returns how many chunks were embedded.
 */
export async function fillMissingVectors(
  index: SearchIndex,
  embedder: Embedder,
  options: { batchSize: number; signal?: AbortSignal; onProgress?: (embedded: number) => void },
): Promise<number> {
  let embedded = 0;
  for (;;) {
    if (options.signal?.aborted) return embedded;
    const pending = await index.chunksWithoutVectors(embedder.spaceKey, options.batchSize * 4);
    if (pending.length === 0) break;
    const vectors = await embedder.embed(pending.map((chunk) => chunk.text));
    await index.storeVectors(
      embedder.spaceKey,
      pending.map((chunk, position) => ({
        chunkId: chunk.chunkId,
        vector: vectors[position] as Float32Array,
      })),
    );
    embedded += pending.length;
    options.onProgress?.(embedded);
  }
  const space = (await index.listVectorSpaces()).find((candidate) => candidate.key === embedder.spaceKey);
  if (space?.state === 'building') await index.activateVectorSpace(embedder.spaceKey);
  return embedded;
}
