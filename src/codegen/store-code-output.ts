import type { ObjectStore } from '../core/ports/object-store.ts';
import { reserveCodeOutputKey, sidecarKeyOf } from './code-output-key.ts';
import type { GroundingSource } from './pack-examples.ts';

/** Token counts reported by the model; a field is absent when the provider did not report it. */
export interface CodeGenerationUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** The JSON sidecar stored next to every generated file: how it came to be. */
export interface CodeOutputSidecar {
  /** The key of the code this sidecar describes. */
  key: string;
  /** Canonical language name. */
  language: string;
  /** The request as the user wrote it (trimmed). */
  message: string;
  /** The model reference (`runtime.name`). */
  model: string;
  /** `owner/repo` the code was grounded in, when it was. */
  ground?: string;
  sources: GroundingSource[];
  /** ISO 8601 UTC time the output was stored. */
  createdAt: string;
  usage: CodeGenerationUsage;
  /** The model's prose outside the code block, when it wrote any. */
  explanation?: string;
}

/** What {@link storeCodeOutput} writes. */
export interface CodeOutput {
  code: string;
  /** File extension for the key, without the dot. */
  extension: string;
  createdAt: Date;
  /** Everything for the sidecar except the key, which is chosen here. */
  metadata: Omit<CodeOutputSidecar, 'key'>;
}

/** Where an output was stored. */
export interface StoredCodeOutput {
  key: string;
  sidecarKey: string;
}

/**
 * Stores the code and then its sidecar under a free key. When the sidecar cannot be written the code is
 * deleted again and the sidecar's error rethrown, so a listing never shows code without provenance.
 * (For the moment between the two writes a reader can see the code alone; readers must tolerate that.)
 */
export async function storeCodeOutput(store: ObjectStore, output: CodeOutput): Promise<StoredCodeOutput> {
  const reserved = await reserveCodeOutputKey(
    store,
    output.createdAt,
    output.metadata.message,
    output.extension,
  );
  const { key } = reserved;
  const sidecarKey = sidecarKeyOf(key);
  const sidecar: CodeOutputSidecar = { key, ...output.metadata };
  try {
    await store.put(key, output.code, { contentType: 'text/plain; charset=utf-8' });
    try {
      await store.put(sidecarKey, `${JSON.stringify(sidecar, null, 2)}\n`, {
        contentType: 'application/json',
      });
    } catch (error) {
      // The original failure is what the user needs to see; a failed clean-up must not replace it.
      await store.delete(key).catch(() => undefined);
      throw error;
    }
  } finally {
    reserved.release();
  }
  return { key, sidecarKey };
}
