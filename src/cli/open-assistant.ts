import { randomUUID } from 'node:crypto';
import type { Services } from '../app/create-services.ts';
import type { AssistantDependencies } from '../assistant/assistant-types.ts';
import { type ConversationDependencies, openConversation } from '../assistant/conversations.ts';
import type { ConversationRecord } from '../core/ports/catalog.ts';
import type { CliIo } from './cli-context.ts';
import { openLanguageModel } from './open-language-model.ts';

/** The assistant's parts for one command, and how to release the model afterwards. */
export interface OpenedAssistant {
  assistant: AssistantDependencies;
  conversations: ConversationDependencies;
  close(): Promise<void>;
}

/**
 * Wires the assistant for `ask` and `chat`: knowledge-base search, the chosen language model (or a
 * retrieval-only fallback, announced in one line on standard error), and conversation storage.
 */
export async function openAssistant(
  services: Services,
  io: CliIo,
  modelReference: string | undefined,
): Promise<OpenedAssistant> {
  const knowledge = await services.knowledge();
  const opened = await openLanguageModel(services, io, {
    allowRetrievalOnly: true,
    ...(modelReference === undefined ? {} : { reference: modelReference }),
  });
  if (opened.runtime === undefined) {
    io.stderr(
      `note: no language model is available (${opened.reason.replace(/\.$/, '')}); answering with the best passages only.\n`,
    );
  }
  const { models } = services.config;
  return {
    assistant: {
      search: (request) => knowledge.search(request),
      runtime: opened.runtime,
      ...(opened.runtime === undefined ? { unavailableReason: opened.reason } : {}),
      historyTurns: models.historyTurns * 2,
      retrievalK: models.retrievalK,
    },
    conversations: conversationDependencies(services),
    close: async () => {
      await opened.runtime?.close();
    },
  };
}

/** How the CLI stores conversations: in the catalog, with short random ids. */
export function conversationDependencies(services: Services): ConversationDependencies {
  return {
    catalog: services.catalog,
    clock: () => new Date(),
    newId: () => `c-${randomUUID().slice(0, 8)}`,
  };
}

/**
 * The conversation `--conversation` names (the CLI reaches every conversation in its catalog), or the
 * `NotFoundError` of an unknown one, saying how to find the right id.
 */
export async function resumeConversation(services: Services, id: string): Promise<ConversationRecord> {
  return openConversation(conversationDependencies(services), {
    id,
    notFoundHint:
      'Run "quarry chat --list" to see the conversations, or leave out --conversation to start a new one.',
  });
}
