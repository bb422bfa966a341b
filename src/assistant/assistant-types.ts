import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import type { SearchFilters, SearchMode } from '../core/ports/search-index.ts';
import type { KnowledgeSearchRequest, KnowledgeSearchResult } from '../knowledge/search-knowledge.ts';
import type { CitationSupport } from './citation-support.ts';

/** One earlier turn of a conversation. */
export interface ChatTurn {
  role: 'user' | 'assistant';
  content: string;
}

/** A passage the answer may cite, numbered as the model saw it. */
export interface AnswerSource {
  n: number;
  /** One-line location: `owner/repo@version:path:12-40`, `source:path:12-40` or `url § heading`. */
  citation: string;
  source: string;
  repo: string | null;
  version: string;
  path: string;
  startLine: number;
  endLine: number;
  url: string | null;
  heading: string | null;
  /** The passage text given to the model. */
  text: string;
}

/** Tokens used by the model call(s) of one answer, condensing included. */
export interface AnswerUsage {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
}

/** An answer with its checked citations. */
export interface AnswerResult {
  question: string;
  /** The question used for retrieval (the condensed form of a follow-up). */
  standaloneQuestion: string;
  /** The answer with invalid citation markers removed; empty for a retrieval-only answer. */
  answer: string;
  /** The sources the answer cites, in order of first citation. */
  citations: AnswerSource[];
  /** Every passage given to the model (or shown, for a retrieval-only answer). */
  sources: AnswerSource[];
  /** Citation markers that pointed at no given source and were removed. */
  removedCitations: number;
  /** Sources were given but the answer cites none of them. */
  unsupported: boolean;
  /** Cited statements checked for words in common with their sources, and those with none. */
  citationSupport: CitationSupport;
  /** The model's name, or `null` when no model was available. */
  model: string | null;
  usage: AnswerUsage;
  finishReason?: string;
  retrieval: { mode: SearchMode; k: number; retrieved: number; packed: number; warnings: string[] };
  /** Set when no language model was available and only the best passages are returned. */
  retrievalOnly?: { reason: string };
}

/** What the assistant works with; every part passed in (no configuration or environment is read). */
export interface AssistantDependencies {
  search(request: KnowledgeSearchRequest): Promise<KnowledgeSearchResult>;
  /** The language model, or `undefined` when none is available (answers become retrieval-only). */
  runtime: LanguageRuntime | undefined;
  /** Why there is no model, shown with retrieval-only answers. */
  unavailableReason?: string;
  /** Earlier turns sent with a question (the most recent ones). */
  historyTurns: number;
  /** Passages retrieved before packing, unless the request says otherwise. */
  retrievalK: number;
}

/** One question, with the conversation so far. */
export interface QuestionRequest {
  question: string;
  history?: ChatTurn[];
  filters?: SearchFilters;
  k?: number;
  mode?: SearchMode;
  abortSignal?: AbortSignal;
  /** Receives the answer as it streams, with citation markers already checked. */
  onText?: (text: string) => void;
  /**
   * Receives the numbered sources once, after packing and before the model streams (also for a
   * retrieval-only answer, where they are the best passages).
   */
  onSources?: (sources: AnswerSource[]) => void;
  /** Receives the exact messages sent to the answer model (system prompt first), before it streams. */
  onPrompt?: (messages: PromptMessage[]) => void;
}

/** One message of the answer prompt, as text (for showing what the model was sent). */
export interface PromptMessage {
  role: string;
  content: string;
}
