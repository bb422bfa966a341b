import type { AnswerUsage } from './assistant-types.ts';

/** Sums token counts, keeping a field only when some call reported it. */
export function addUsage(
  first: AnswerUsage,
  second: { inputTokens?: number | undefined; outputTokens?: number | undefined },
): AnswerUsage {
  const sum = (a: number | undefined, b: number | undefined) =>
    a === undefined && b === undefined ? undefined : (a ?? 0) + (b ?? 0);
  const inputTokens = sum(first.inputTokens, second.inputTokens);
  const outputTokens = sum(first.outputTokens, second.outputTokens);
  const totalTokens = sum(inputTokens, outputTokens);
  return {
    ...(inputTokens === undefined ? {} : { inputTokens }),
    ...(outputTokens === undefined ? {} : { outputTokens }),
    ...(totalTokens === undefined ? {} : { totalTokens }),
  };
}
