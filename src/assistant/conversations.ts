import { NotFoundError } from '../core/errors/index.ts';
import type { Catalog, ConversationRecord, MessageRecord } from '../core/ports/catalog.ts';
import type { AnswerResult, ChatTurn } from './assistant-types.ts';

/** What starting or resuming a conversation needs. */
export interface ConversationDependencies {
  catalog: Catalog;
  clock: () => Date;
  newId: () => string;
}

const maxTitleLength = 80;

/**
 * Resumes conversation `id` (a `NotFoundError` naming it when it does not exist), or starts a new one
 * titled after its first question.
 */
export async function openConversation(
  dependencies: ConversationDependencies,
  options: { id?: string; firstQuestion?: string },
): Promise<ConversationRecord> {
  if (options.id !== undefined) {
    const existing = await dependencies.catalog.getConversation(options.id);
    if (existing) return existing;
    throw new NotFoundError(`There is no conversation ${options.id}.`, {
      hint: 'Run "quarry chat --list" to see the conversations, or leave out --conversation to start a new one.',
    });
  }
  return dependencies.catalog.createConversation({
    id: dependencies.newId(),
    title: titleFrom(options.firstQuestion ?? ''),
    createdAt: dependencies.clock().toISOString(),
  });
}

/** The last `turns` messages of a conversation as chat turns, oldest first. */
export async function loadHistory(
  catalog: Catalog,
  conversationId: string,
  turns: number,
): Promise<ChatTurn[]> {
  if (turns === 0) return [];
  const messages = await catalog.listMessages(conversationId, { lastTurns: turns });
  return messages.map((message: MessageRecord) => ({ role: message.role, content: message.content }));
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
