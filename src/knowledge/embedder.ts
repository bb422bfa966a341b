/** Turns chunk texts into vectors of one vector space (a thin view of the configured embedding model). */
export interface Embedder {
  /** The vector space the vectors belong to (the model's key). */
  spaceKey: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}

/** Lets one embedding call run at a time (in-process models are not re-entrant; HTTP batches in-call). */
export function serialized(embedder: Embedder): Embedder {
  let queue: Promise<unknown> = Promise.resolve();
  return {
    spaceKey: embedder.spaceKey,
    embed: (texts) => {
      const result = queue.then(() => embedder.embed(texts));
      queue = result.catch(() => {});
      return result;
    },
  };
}
