import type { SharedV3ProviderOptions } from '@ai-sdk/provider';
import { ValidationError } from '../../core/errors/index.ts';

/** How each Bedrock embedding family is asked for a vector size, and which sizes it accepts. */
const dimensionSettings: ReadonlyArray<{
  matches: (modelId: string) => boolean;
  option: string;
  allowed: readonly number[];
}> = [
  {
    matches: (modelId) => modelId.includes('amazon.titan-embed-text-v2'),
    option: 'dimensions',
    allowed: [256, 512, 1024],
  },
  {
    matches: (modelId) => modelId.includes('cohere.embed-v4'),
    option: 'outputDimension',
    allowed: [256, 512, 1024, 1536],
  },
  {
    matches: (modelId) => modelId.includes('amazon.nova-') && modelId.includes('embed'),
    option: 'embeddingDimension',
    allowed: [256, 384, 1024, 3072],
  },
];

/**
 * The `bedrock` provider options that request `dimensions` from `modelId` (Titan Text Embeddings v2,
 * Cohere Embed v4, Nova embeddings), or none when no size is requested. A size the model cannot produce
 * is a `ValidationError` rather than a silently different vector size.
 */
export function bedrockEmbeddingOptions(
  modelId: string,
  dimensions: number | undefined,
): SharedV3ProviderOptions | undefined {
  if (dimensions === undefined) return undefined;
  const setting = dimensionSettings.find((candidate) => candidate.matches(modelId));
  if (setting === undefined) {
    throw new ValidationError(`The Bedrock model ${modelId} does not accept a number of dimensions.`, {
      hint: 'Remove knowledge.embedding.dimensions, or use amazon.titan-embed-text-v2:0 (256, 512 or 1024).',
    });
  }
  if (!setting.allowed.includes(dimensions)) {
    throw new ValidationError(
      `The Bedrock model ${modelId} cannot produce ${dimensions} dimensions; it accepts ${setting.allowed.join(', ')}.`,
      { hint: 'Set knowledge.embedding.dimensions to one of the accepted sizes, or remove it.' },
    );
  }
  return { bedrock: { [setting.option]: dimensions } };
}
