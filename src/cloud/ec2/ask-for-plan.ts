import { generateText, type ModelMessage, NoObjectGeneratedError, Output } from 'ai';
import { QuarryError, UpstreamError } from '../../core/errors/index.ts';
import type { LanguageRuntime } from '../../core/ports/language-runtime.ts';
import { modelFailure } from '../../models/model-failure.ts';
import { type DraftPlan, draftPlanSchema, launchPlanSchema, readDraftPlan } from './launch-plan-schema.ts';
import { launchSystemPrompt } from './launch-prompt.ts';

/** The model's answer: its text (to show it again in a repair round) and the plan read from it. */
export interface PlanAnswer {
  text: string;
  draft: DraftPlan;
}

const excerptLength = 200;

/**
 * Asks the model for a plan with structured output, the schema restricting the instance type to
 * `allowedTypes`. A reply that fails that schema is read again with the looser draft schema, so a
 * broken rule is reported by the guard rails (and repaired) rather than lost; a reply that is no plan
 * at all is an `UpstreamError` quoting its start.
 */
export async function askForPlan(
  runtime: LanguageRuntime,
  messages: ModelMessage[],
  allowedTypes: readonly [string, ...string[]],
  abortSignal: AbortSignal | undefined,
): Promise<PlanAnswer> {
  let text: string;
  try {
    const result = await generateText({
      model: runtime.model,
      system: launchSystemPrompt,
      messages,
      output: Output.object({ schema: launchPlanSchema(allowedTypes), name: 'ec2_launch_plan' }),
      maxOutputTokens: runtime.maxOutputTokens,
      // One retry rides out a momentary overload without making a dead endpoint take long to report.
      maxRetries: 1,
      ...(runtime.temperature === undefined ? {} : { temperature: runtime.temperature }),
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    const parsed = draftPlanSchema.safeParse(result.output);
    if (parsed.success) return { text: result.text, draft: parsed.data };
    text = result.text;
  } catch (error) {
    if (abortSignal?.aborted) throw abortSignal.reason;
    if (!NoObjectGeneratedError.isInstance(error)) {
      if (QuarryError.is(error)) throw error;
      throw modelFailure(runtime.name, error);
    }
    text = error.text ?? '';
    if (error.finishReason === 'length')
      throw noPlanError(runtime, 'the answer was cut off at the token limit', text);
  }
  const reading = readDraftPlan(text);
  if ('problem' in reading) throw noPlanError(runtime, reading.problem, text);
  return { text, draft: reading.draft };
}

function noPlanError(runtime: LanguageRuntime, problem: string, text: string): UpstreamError {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  const excerpt = oneLine.length > excerptLength ? `${oneLine.slice(0, excerptLength)}…` : oneLine;
  return new UpstreamError(
    `The model ${runtime.name} returned no valid EC2 plan: ${problem}; it replied: "${excerpt}".`,
    {
      hint: 'Try again, or pick a model that follows JSON instructions well with --model; a larger maxOutputTokens helps when the answer was cut off.',
    },
  );
}
