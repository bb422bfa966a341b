import { type FinishReason, generateText, type LanguageModelUsage, type ModelMessage } from 'ai';
import { QuarryError, ValidationError } from '../core/errors/index.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { normalizeRepoId } from '../core/repo-id.ts';
import type { KnowledgeHit } from '../knowledge/search-knowledge.ts';
import { modelFailure } from '../models/model-failure.ts';
import { renderTemplate } from '../models/prompt-template.ts';
import { missingCodeError } from './code-generation-errors.ts';
import { type ExtractedCode, extractCode } from './extract-code.ts';
import { type CodeLanguage, resolveLanguage } from './languages.ts';
import { type GroundingSource, type PackedExamples, retrieveExamples } from './pack-examples.ts';
import { type CodeGenerationUsage, storeCodeOutput } from './store-code-output.ts';

export type { GroundingSource } from './pack-examples.ts';
export type { CodeGenerationUsage } from './store-code-output.ts';

/** What the user asks for. */
export interface CodeGenerationRequest {
  /** A language name or alias (`python`, `bash`, `c#`); see `languages.ts`. */
  language: string;
  /** What the code should do. */
  message: string;
  /** `owner/repo` of a synced, indexed repository whose code the answer should follow. */
  ground?: string;
  abortSignal?: AbortSignal;
}

/** The ports and settings code generation runs on. */
export interface CodeGenerationDependencies {
  runtime: LanguageRuntime;
  store: ObjectStore;
  clock: () => Date;
  /** Retrieves example passages from a synced repository; required when request.ground is set. */
  findExamples?: (repo: string, query: string) => Promise<KnowledgeHit[]>;
}

/** A stored generated file and how it came to be. */
export interface CodeGenerationResult {
  /** Object-store key of the code, `code_output/<day>/<time>-<slug>.<ext>`. */
  key: string;
  /** Key of the JSON sidecar (the code key plus `.json`). */
  sidecarKey: string;
  code: string;
  /** Canonical language name. */
  language: string;
  /** The model reference (`runtime.name`). */
  model: string;
  /** The passages the prompt held, numbered as the model saw them; empty without grounding. */
  sources: GroundingSource[];
  usage: CodeGenerationUsage;
  /** ISO 8601 UTC time the output was stored. */
  createdAt: string;
  /** The model's prose outside the code block. */
  explanation?: string;
}

/** A request that passed validation. */
interface PreparedRequest {
  language: CodeLanguage;
  message: string;
  ground?: string;
  /** Tokens left for grounding examples once the prompt, the message and the answer are counted. */
  exampleBudget: number;
}

/**
 * Chat templates wrap every message in role markers and separators that `countTokens` does not see; this
 * allowance per message keeps the budget on the safe side.
 */
const messageOverheadTokens = 8;

/**
 * Writes code for a request and stores it with a provenance sidecar. Everything that can be checked up
 * front is (message, language, repository, context budget), before any model call. The output is stored
 * only when the model produced a complete code block: a failing model, a reply without code or an answer
 * cut off by the token limit is an error and leaves nothing in the store.
 */
export async function generateCode(
  dependencies: CodeGenerationDependencies,
  request: CodeGenerationRequest,
): Promise<CodeGenerationResult> {
  const { runtime } = dependencies;
  const prepared = prepareRequest(dependencies, request);
  const examples = await examplesFor(dependencies, prepared);
  const reply = await callModel(
    runtime,
    buildMessages(runtime, prepared, examples.text),
    request.abortSignal,
  );
  const extracted = codeFromReply(runtime, prepared.language, reply);
  // A request the user abandoned while the model was answering must not leave output behind.
  request.abortSignal?.throwIfAborted();
  const createdAt = dependencies.clock();
  const metadata = {
    language: prepared.language.name,
    message: prepared.message,
    model: runtime.name,
    ...(prepared.ground === undefined ? {} : { ground: prepared.ground }),
    sources: examples.sources,
    createdAt: createdAt.toISOString(),
    usage: usageOf(reply.usage),
    ...(extracted.explanation === undefined ? {} : { explanation: extracted.explanation }),
  };
  const { code } = extracted;
  const stored = await storeCodeOutput(dependencies.store, {
    code,
    extension: prepared.language.extension,
    createdAt,
    metadata,
  });
  const { ground: _ground, message: _message, ...described } = metadata;
  return { ...stored, code, ...described };
}

/**
 * The checks that need no model: a non-empty message, a supported language and an `owner/repo` to ground
 * in. Callers run it before loading a model, so a typo never costs a model download.
 */
export function checkCodeRequest(request: Pick<CodeGenerationRequest, 'language' | 'message' | 'ground'>): {
  message: string;
  language: CodeLanguage;
  ground?: string;
} {
  const message = request.message.trim();
  if (message === '') {
    throw new ValidationError('The message is empty: there is nothing to write code for.', {
      hint: 'Describe the code you want, e.g. "a function that retries a fetch with exponential backoff".',
    });
  }
  const language = resolveLanguage(request.language);
  const ground = request.ground === undefined ? undefined : normalizeRepoId(request.ground);
  return { message, language, ...(ground === undefined ? {} : { ground }) };
}

function prepareRequest(
  dependencies: CodeGenerationDependencies,
  request: CodeGenerationRequest,
): PreparedRequest {
  const { message, language, ground } = checkCodeRequest(request);
  if (ground !== undefined && !dependencies.findExamples) {
    throw new ValidationError(`Cannot ground the request in ${ground}: no knowledge base is available.`, {
      hint: 'Configure the knowledge base (see the README), or leave out --ground.',
    });
  }
  assertTemplateUses(
    dependencies.runtime,
    ground === undefined ? ['instructions'] : ['instructions', 'examples'],
  );
  const messageTokens = dependencies.runtime.countTokens(message);
  const exampleBudget = messageBudget(dependencies.runtime, language, messageTokens) - messageTokens;
  return { language, message, exampleBudget, ...(ground === undefined ? {} : { ground }) };
}

/**
 * A code template without `{{instructions}}` would send the model everything but the request, and one
 * without `{{examples}}` would record sources the model never saw; both are configuration mistakes.
 */
function assertTemplateUses(runtime: LanguageRuntime, placeholders: string[]): void {
  for (const name of placeholders) {
    if (new RegExp(`\\{\\{\\s*${name}\\s*\\}\\}`).test(runtime.prompts.code)) continue;
    throw new ValidationError(
      `The code prompt template of model ${runtime.name} has no {{${name}}} placeholder.`,
      {
        hint: `Add {{${name}}} to models.prompts.code (or the model entry's prompts.code).`,
      },
    );
  }
}

/** Tokens the message may take; a `ValidationError` with the arithmetic when `messageTokens` exceeds it. */
function messageBudget(runtime: LanguageRuntime, language: CodeLanguage, messageTokens: number): number {
  const emptyPrompt = renderTemplate('code', runtime.prompts.code, {
    language: language.name,
    instructions: '',
    examples: '',
  });
  const fewShotText = runtime.prompts.fewShot.map((example) => `${example.user}\n${example.assistant}`);
  const messageCount = 2 + 2 * runtime.prompts.fewShot.length;
  const promptTokens =
    runtime.countTokens(runtime.prompts.system) +
    runtime.countTokens(emptyPrompt) +
    fewShotText.reduce((sum, text) => sum + runtime.countTokens(text), 0) +
    messageCount * messageOverheadTokens;
  const budget = Math.max(0, runtime.contextTokens - runtime.maxOutputTokens - promptTokens);
  if (messageTokens > budget) {
    throw new ValidationError(
      `The message is ${messageTokens} tokens, but the model ${runtime.name} has room for ${budget} (context ${runtime.contextTokens} − answer ${runtime.maxOutputTokens} − prompt ${promptTokens}).`,
      {
        hint: 'Shorten the message, or use a model with a larger context window (contextTokens in its model entry).',
      },
    );
  }
  return budget;
}

async function examplesFor(
  dependencies: CodeGenerationDependencies,
  prepared: PreparedRequest,
): Promise<PackedExamples> {
  if (prepared.ground === undefined || !dependencies.findExamples) return { text: '', sources: [] };
  return retrieveExamples(dependencies.findExamples, {
    repo: prepared.ground,
    query: prepared.message,
    budget: prepared.exampleBudget,
    countTokens: (text) => dependencies.runtime.countTokens(text),
  });
}

/** The few-shot pairs as earlier turns, then the rendered code prompt. */
function buildMessages(
  runtime: LanguageRuntime,
  prepared: PreparedRequest,
  examples: string,
): ModelMessage[] {
  const fewShot = runtime.prompts.fewShot.flatMap((example): ModelMessage[] => [
    { role: 'user', content: example.user },
    { role: 'assistant', content: example.assistant },
  ]);
  const prompt = renderTemplate('code', runtime.prompts.code, {
    language: prepared.language.name,
    instructions: prepared.message,
    examples,
  });
  return [...fewShot, { role: 'user', content: prompt }];
}

/** The parts of the model's answer that code generation uses. */
interface Reply {
  text: string;
  finishReason: FinishReason;
  usage: LanguageModelUsage;
}

async function callModel(
  runtime: LanguageRuntime,
  messages: ModelMessage[],
  abortSignal: AbortSignal | undefined,
): Promise<Reply> {
  try {
    const result = await generateText({
      model: runtime.model,
      system: runtime.prompts.system,
      messages,
      maxOutputTokens: runtime.maxOutputTokens,
      // One retry rides out a momentary overload without making a dead endpoint take long to report.
      maxRetries: 1,
      ...(runtime.temperature === undefined ? {} : { temperature: runtime.temperature }),
      ...(abortSignal === undefined ? {} : { abortSignal }),
    });
    return { text: result.text, finishReason: result.finishReason, usage: result.usage };
  } catch (error) {
    if (abortSignal?.aborted) throw abortSignal.reason;
    // The runtime's own errors (a missing GGUF file, say) already say what to do.
    if (QuarryError.is(error)) throw error;
    throw modelFailure(runtime.name, error);
  }
}

function codeFromReply(runtime: LanguageRuntime, language: CodeLanguage, reply: Reply): ExtractedCode {
  const extraction = extractCode(reply.text, language);
  if (extraction.code === undefined) {
    throw missingCodeError(runtime, extraction.reason, {
      text: reply.text,
      finishReason: reply.finishReason,
    });
  }
  return extraction;
}

/** Keeps the three totals, leaving out what the provider did not report. */
function usageOf(usage: LanguageModelUsage): CodeGenerationUsage {
  return {
    ...(usage.inputTokens === undefined ? {} : { inputTokens: usage.inputTokens }),
    ...(usage.outputTokens === undefined ? {} : { outputTokens: usage.outputTokens }),
    ...(usage.totalTokens === undefined ? {} : { totalTokens: usage.totalTokens }),
  };
}
