import type { LanguageModelV3CallOptions, SharedV3Warning } from '@ai-sdk/provider';
import type { LLamaChatGenerateResponseOptions, LlamaGrammar } from 'node-llama-cpp';

/** The sampling settings of one call, ready for `LlamaChat.generateResponse`. */
export type SamplingSettings = Pick<
  LLamaChatGenerateResponseOptions,
  'maxTokens' | 'temperature' | 'topP' | 'topK' | 'seed' | 'customStopTriggers' | 'repeatPenalty'
> & { grammar?: LlamaGrammar };

/** The call's sampling options in node-llama-cpp's terms. */
export function samplingSettings(options: LanguageModelV3CallOptions): SamplingSettings {
  const settings: SamplingSettings = withoutUndefined({
    temperature: options.temperature,
    topP: options.topP,
    topK: options.topK,
    seed: options.seed,
  });
  const stops = options.stopSequences?.filter((stop) => stop !== '') ?? [];
  if (stops.length > 0) settings.customStopTriggers = stops;
  if (options.frequencyPenalty !== undefined || options.presencePenalty !== undefined)
    settings.repeatPenalty = withoutUndefined({
      frequencyPenalty: options.frequencyPenalty,
      presencePenalty: options.presencePenalty,
    });
  return settings;
}

/** Warnings for call options the in-process model ignores. */
export function unsupportedSettingWarnings(options: LanguageModelV3CallOptions): SharedV3Warning[] {
  if (options.tools === undefined || options.tools.length === 0) return [];
  return [
    { type: 'unsupported', feature: 'tools', details: 'The in-process llama.cpp model ignores tools.' },
  ];
}

/** Drops undefined values, which `exactOptionalPropertyTypes` does not let through to node-llama-cpp. */
export function withoutUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as {
    [K in keyof T]?: Exclude<T[K], undefined>;
  };
}
