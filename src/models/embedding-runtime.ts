import { APICallError, embedMany, RetryError } from 'ai';
import { UpstreamError, ValidationError } from '../core/errors/index.ts';
import type { EmbeddingRuntime } from '../core/ports/embedding-runtime.ts';

/** Options of {@link embedTexts}. */
export interface EmbedTextsOptions {
  /** Texts sent per `embedMany` call (`knowledge.embedding.batchSize`). */
  batchSize: number;
  abortSignal?: AbortSignal;
}

/** Retries per model call for 5xx, 429 and network errors; the AI SDK backs off and honours `Retry-After`. */
const maxRetries = 2;

/**
 * Models that take one text per request (Bedrock Titan) fan a batch out into parallel calls; this keeps
 * a batch of 32 from becoming 32 simultaneous requests against a rate-limited service.
 */
const maxParallelCalls = 4;

/**
 * Embeds `texts` in batches of `batchSize` and returns one L2-normalised vector per text, in order, so
 * that cosine similarity is a plain dot product. Failures (after the AI SDK's retries) reject with an
 * `UpstreamError` naming the model; an aborted `abortSignal` rejects with its reason.
 */
export async function embedTexts(
  runtime: EmbeddingRuntime,
  texts: string[],
  options: EmbedTextsOptions,
): Promise<Float32Array[]> {
  if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
    throw new ValidationError('The embedding batch size must be a whole number of 1 or more.', {
      hint: 'Check knowledge.embedding.batchSize.',
    });
  }
  const vectors: Float32Array[] = [];
  for (let start = 0; start < texts.length; start += options.batchSize) {
    options.abortSignal?.throwIfAborted();
    const batch = texts.slice(start, start + options.batchSize);
    const embeddings = await embedBatch(runtime, batch, options.abortSignal);
    for (const embedding of embeddings) vectors.push(normalise(runtime, embedding));
  }
  assertSameLength(runtime, vectors);
  return vectors;
}

async function embedBatch(
  runtime: EmbeddingRuntime,
  batch: string[],
  abortSignal: AbortSignal | undefined,
): Promise<number[][]> {
  let embeddings: number[][];
  try {
    const result = await embedMany({
      model: runtime.model,
      values: batch,
      maxRetries,
      maxParallelCalls,
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    embeddings = result.embeddings;
  } catch (error) {
    if (abortSignal?.aborted) throw abortSignal.reason;
    throw embeddingFailure(runtime, error);
  }
  if (embeddings.length !== batch.length) {
    throw new UpstreamError(
      `The embedding model ${runtime.key} returned ${embeddings.length} vectors for ${batch.length} texts.`,
      { hint: checkEndpointHint },
    );
  }
  return embeddings;
}

const checkEndpointHint =
  'Check that the embedding endpoint is reachable and serves the model named in knowledge.embedding.model.';

/** Turns whatever the AI SDK threw into one clear sentence; the provider's own text is kept short. */
function embeddingFailure(runtime: EmbeddingRuntime, error: unknown): UpstreamError {
  const last = RetryError.isInstance(error) ? error.lastError : error;
  const attempts = RetryError.isInstance(error) ? ` after ${error.errors.length} attempts` : '';
  const detail = describeCallError(last);
  const status = APICallError.isInstance(last) ? last.statusCode : undefined;
  const hint =
    status === 401 || status === 403
      ? 'The endpoint refused the credentials; check knowledge.embedding.apiKey or the AWS credentials.'
      : checkEndpointHint;
  return new UpstreamError(`The embedding model ${runtime.key} failed${attempts}: ${detail}.`, {
    hint,
    cause: new Error(detail),
  });
}

const maxDetailLength = 300;

function describeCallError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const oneLine = message.replace(/\s+/g, ' ').trim();
  const short = oneLine.length > maxDetailLength ? `${oneLine.slice(0, maxDetailLength)}…` : oneLine;
  if (APICallError.isInstance(error) && error.statusCode !== undefined) {
    return `it answered ${error.statusCode}${short === '' ? '' : ` (${short})`}`;
  }
  return short === '' ? 'unknown error' : short;
}

/** Scales to unit length; an all-zero vector (an empty text for some models) stays zero. */
function normalise(runtime: EmbeddingRuntime, embedding: number[]): Float32Array {
  let sumOfSquares = 0;
  for (const value of embedding) sumOfSquares += value * value;
  if (!Number.isFinite(sumOfSquares)) {
    throw new UpstreamError(`The embedding model ${runtime.key} returned a vector with non-finite values.`, {
      hint: checkEndpointHint,
    });
  }
  const length = Math.sqrt(sumOfSquares);
  const vector = new Float32Array(embedding.length);
  if (length === 0) return vector;
  for (let index = 0; index < embedding.length; index += 1) vector[index] = (embedding[index] ?? 0) / length;
  return vector;
}

function assertSameLength(runtime: EmbeddingRuntime, vectors: Float32Array[]): void {
  const expected = vectors[0]?.length;
  if (expected === 0) {
    throw new UpstreamError(`The embedding model ${runtime.key} returned an empty vector.`, {
      hint: checkEndpointHint,
    });
  }
  if (vectors.some((vector) => vector.length !== expected)) {
    throw new UpstreamError(`The embedding model ${runtime.key} returned vectors of different lengths.`, {
      hint: checkEndpointHint,
    });
  }
}
