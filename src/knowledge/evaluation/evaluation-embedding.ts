import type { Embedder } from '../embedder.ts';

/**
 * The embedding model of a `vector` or `hybrid` evaluation: an {@link Embedder} (texts → vectors of one
 * space), plus how to batch it and what to record about it. The caller picks the model, so this
 * capability never touches a model SDK.
 */
export interface EvaluationEmbedding extends Embedder {
  /** Texts per `embed` call; 32 by default. */
  batchSize?: number;
  /** Non-secret description of the model, stored with the vector space. */
  model?: Record<string, unknown>;
}

/** Texts per `embed` call when the embedding does not say. */
export const defaultEmbeddingBatchSize = 32;
