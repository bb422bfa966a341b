import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { bedrockEmbeddingOptions } from './bedrock-embedding-options.ts';

describe('bedrockEmbeddingOptions', () => {
  it('asks each model family for its size with its own option', () => {
    expect(bedrockEmbeddingOptions('amazon.titan-embed-text-v2:0', 256)).toEqual({
      bedrock: { dimensions: 256 },
    });
    expect(bedrockEmbeddingOptions('us.cohere.embed-v4:0', 1536)).toEqual({
      bedrock: { outputDimension: 1536 },
    });
    expect(bedrockEmbeddingOptions('amazon.nova-2-multimodal-embeddings-v1:0', 384)).toEqual({
      bedrock: { embeddingDimension: 384 },
    });
  });

  it('sends nothing when no size is requested', () => {
    expect(bedrockEmbeddingOptions('cohere.embed-english-v3', undefined)).toBeUndefined();
  });

  it('refuses sizes a model cannot produce, and sizes for models without the option', () => {
    expect(() => bedrockEmbeddingOptions('amazon.titan-embed-text-v2:0', 768)).toThrow(ValidationError);
    expect(() => bedrockEmbeddingOptions('cohere.embed-english-v3', 1024)).toThrow(ValidationError);
  });
});
