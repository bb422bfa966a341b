/** Turns chunk texts into vectors of one vector space (a thin view of the configured embedding model). */
export interface Embedder {
  /** The vector space the vectors belong to (the model's key). */
  spaceKey: string;
  embed(texts: string[]): Promise<Float32Array[]>;
}
