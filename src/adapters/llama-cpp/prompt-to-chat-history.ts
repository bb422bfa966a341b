import type { LanguageModelV3Prompt, SharedV3Warning } from '@ai-sdk/provider';
import type { ChatHistoryItem, ChatModelResponse } from 'node-llama-cpp';

/** A node-llama-cpp chat history ready for `LlamaChat.generateResponse`, plus what had to be left out. */
export interface ConvertedPrompt {
  /**
   * System, user and model items; consecutive items of one kind are merged. Always ends with a model item:
   * empty when the model should answer, or holding the text of a trailing assistant message, which the
   * model then continues (a prefill).
   */
  history: ChatHistoryItem[];
  /** One `unsupported` warning per kind of content that was dropped (files, tool calls, tool results). */
  warnings: SharedV3Warning[];
}

type Message = LanguageModelV3Prompt[number];
type UserPart = Extract<Message, { role: 'user' }>['content'][number];
type AssistantPart = Extract<Message, { role: 'assistant' }>['content'][number];

/** Separates merged messages and text parts, the way chat templates separate paragraphs. */
const partSeparator = '\n\n';

/**
 * Converts an AI SDK prompt into a node-llama-cpp chat history. Text is kept; files, tool calls and tool
 * results are dropped with a warning, because the in-process adapter has no vision or tool support; earlier
 * reasoning is dropped silently, as chat templates do. Assistant turns left empty are skipped.
 */
export function promptToChatHistory(prompt: LanguageModelV3Prompt): ConvertedPrompt {
  const warnings = new WarningSet();
  const history: ChatHistoryItem[] = [];
  for (const message of prompt) {
    const item = toHistoryItem(message, warnings);
    if (item !== undefined) appendMerged(history, item);
  }
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return { history, warnings: warnings.list() };
}

function toHistoryItem(message: Message, warnings: WarningSet): ChatHistoryItem | undefined {
  switch (message.role) {
    case 'system':
      return { type: 'system', text: message.content };
    case 'user':
      return { type: 'user', text: userText(message.content, warnings) };
    case 'assistant': {
      // An assistant turn that only called tools leaves nothing; an empty turn would confuse the template.
      const text = assistantText(message.content, warnings);
      return text === '' ? undefined : { type: 'model', response: [text] };
    }
    case 'tool':
      warnings.unsupported('tool results', 'Tool messages are left out of the prompt.');
      return undefined;
  }
}

function userText(parts: readonly UserPart[], warnings: WarningSet): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else warnings.unsupported('file parts', 'Files in the prompt are left out; only text is supported.');
  }
  return texts.join(partSeparator);
}

function assistantText(parts: readonly AssistantPart[], warnings: WarningSet): string {
  const texts: string[] = [];
  for (const part of parts) {
    if (part.type === 'text') texts.push(part.text);
    else if (part.type === 'file')
      warnings.unsupported('file parts', 'Files in the prompt are left out; only text is supported.');
    else if (part.type === 'tool-call' || part.type === 'tool-result')
      warnings.unsupported('tool calls', 'Tool calls in earlier assistant messages are left out.');
  }
  return texts.join(partSeparator);
}

/**
 * Many chat templates insist that roles alternate (some throw otherwise), and dropping tool messages can put
 * two assistant messages side by side, so neighbours of one kind become one item.
 */
function appendMerged(history: ChatHistoryItem[], item: ChatHistoryItem): void {
  const last = history.at(-1);
  if (last?.type === 'user' && item.type === 'user') last.text = joinTexts(last.text, item.text);
  else if (last?.type === 'model' && item.type === 'model') last.response = mergeResponses(last, item);
  else if (last?.type === 'system' && item.type === 'system' && typeof last.text === 'string')
    last.text = joinTexts(last.text, typeof item.text === 'string' ? item.text : '');
  else history.push(item);
}

function mergeResponses(first: ChatModelResponse, second: ChatModelResponse): ChatModelResponse['response'] {
  const text = [...first.response, ...second.response].filter((part) => typeof part === 'string');
  return [text.filter((part) => part !== '').join(partSeparator)];
}

function joinTexts(first: string, second: string): string {
  if (first === '') return second;
  if (second === '') return first;
  return `${first}${partSeparator}${second}`;
}

/** Collects warnings, one per feature, so a long conversation with many files does not repeat itself. */
class WarningSet {
  readonly #byFeature = new Map<string, SharedV3Warning>();

  unsupported(feature: string, details: string): void {
    if (!this.#byFeature.has(feature))
      this.#byFeature.set(feature, { type: 'unsupported', feature, details });
  }

  list(): SharedV3Warning[] {
    return [...this.#byFeature.values()];
  }
}
