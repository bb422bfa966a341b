import type { Catalog, ConversationRecord, MessageRecord } from '../core/ports/catalog.ts';
import type { AnswerResult, ChatTurn } from './assistant-types.ts';
import { type FindConversationOptions, findConversation } from './conversation-access.ts';

/** What starting or resuming a conversation needs. */
export interface ConversationDependencies {
  catalog: Catalog;
  clock: () => Date;
  newId: () => string;
}

const maxTitleLength = 80;

/** What {@link openConversation} opens: a stored conversation, or a new one. */
export interface OpenConversationOptions extends FindConversationOptions {
  /** Resume this conversation. */
  id?: string;
  /** Title of a new conversation. */
  firstQuestion?: string;
}

/**
 * Resumes conversation `id` when the caller may use it (see {@link findConversation}: a `NotFoundError`
 * naming it otherwise), or starts a new one titled after its first question and owned by `owner`.
 */
export async function openConversation(
  dependencies: ConversationDependencies,
  options: OpenConversationOptions,
): Promise<ConversationRecord> {
  if (options.id !== undefined) return findConversation(dependencies.catalog, options.id, options);
  return dependencies.catalog.createConversation({
    id: dependencies.newId(),
    title: titleFrom(options.firstQuestion ?? ''),
    createdAt: dependencies.clock().toISOString(),
    ...(options.owner === undefined ? {} : { owner: options.owner }),
  });
}

/**
 * The last `turns` messages of a conversation as chat turns, oldest first. Failed exchanges (a question
 * kept with an error instead of an answer) are left out: the model never sees a question it did not answer.
 */
export async function loadHistory(
  catalog: Catalog,
  conversationId: string,
  turns: number,
): Promise<ChatTurn[]> {
  if (turns === 0) return [];
  let window = turns;
  for (;;) {
    const messages = await catalog.listMessages(conversationId, { lastTurns: window });
    const kept = withoutFailedExchanges(messages);
    // Skipped failures leave fewer turns than asked for: widen the window while older messages remain.
    if (kept.length >= turns || messages.length < window) {
      return kept.slice(-turns).map((message) => ({ role: message.role, content: message.content }));
    }
    window += turns - kept.length;
  }
}

/** True for the assistant message of a failed exchange (see {@link recordFailedExchange}). */
export function isFailedAnswer(message: Pick<MessageRecord, 'role' | 'metadata'>): boolean {
  return message.role === 'assistant' && typeof message.metadata.error === 'string';
}

/** `messages` without failed answers and the questions right before them. */
function withoutFailedExchanges(messages: MessageRecord[]): MessageRecord[] {
  const kept: MessageRecord[] = [];
  for (const message of messages) {
    if (!isFailedAnswer(message)) {
      kept.push(message);
      continue;
    }
    if (kept.at(-1)?.role === 'user') kept.pop();
  }
  return kept;
}

/**
 * Keeps a question whose answer failed, so it is never lost: the question and an empty assistant message
 * with `metadata.error` (the safe error sentence), appended together. {@link loadHistory} skips the pair.
 */
export async function recordFailedExchange(
  dependencies: Pick<ConversationDependencies, 'catalog' | 'clock'>,
  conversationId: string,
  question: string,
  errorMessage: string,
): Promise<void> {
  const createdAt = dependencies.clock().toISOString();
  await dependencies.catalog.appendMessages(conversationId, [
    { role: 'user', content: question, metadata: {}, createdAt },
    { role: 'assistant', content: '', metadata: { error: errorMessage }, createdAt },
  ]);
}

/**
 * Appends the question and its answer together, in one atomic write, once the answer is complete: a
 * failed or interrupted answer leaves the stored history exactly as it was. The assistant message keeps
 * the standalone question, the model, the checked citations (locations, not passage texts) and usage.
 */
export async function recordExchange(
  dependencies: Pick<ConversationDependencies, 'catalog' | 'clock'>,
  conversationId: string,
  result: AnswerResult,
): Promise<void> {
  const createdAt = dependencies.clock().toISOString();
  const citations = result.citations.map(({ text: _text, ...location }) => location);
  await dependencies.catalog.appendMessages(conversationId, [
    { role: 'user', content: result.question, metadata: {}, createdAt },
    {
      role: 'assistant',
      content: result.retrievalOnly ? retrievalOnlySummary(result) : result.answer,
      metadata: {
        standaloneQuestion: result.standaloneQuestion,
        model: result.model,
        citations,
        removedCitations: result.removedCitations,
        unsupported: result.unsupported,
        weakCitations: result.citationSupport.weak.length,
        usage: result.usage,
        ...(result.retrievalOnly ? { retrievalOnly: result.retrievalOnly } : {}),
      },
      createdAt,
    },
  ]);
}

/** What a retrieval-only turn contributes to later condensing: where the passages came from. */
function retrievalOnlySummary(result: AnswerResult): string {
  if (result.sources.length === 0) return '(No language model was available and no passage matched.)';
  return `(No language model was available; the best passages were: ${result.sources.map((source) => source.citation).join('; ')}.)`;
}

function titleFrom(question: string): string {
  const oneLine = question.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return 'New conversation';
  return oneLine.length > maxTitleLength ? `${oneLine.slice(0, maxTitleLength - 1)}…` : oneLine;
}
