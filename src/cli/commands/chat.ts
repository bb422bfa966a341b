import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import type { Services } from '../../app/create-services.ts';
import { answerQuestion } from '../../assistant/answer-question.ts';
import { listConversations } from '../../assistant/conversation-access.ts';
import { loadHistory, openConversation, recordExchange } from '../../assistant/conversations.ts';
import { QuarryError, ValidationError } from '../../core/errors/index.ts';
import type { ConversationRecord } from '../../core/ports/catalog.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { citationWarnings, formatSources } from '../format-answer.ts';
import { type OpenedAssistant, openAssistant, resumeConversation } from '../open-assistant.ts';
import {
  addSearchFilterOptions,
  filtersFrom,
  parseMode,
  type SearchFilterOptions,
} from '../search-options.ts';

interface ChatOptions extends SearchFilterOptions {
  model?: string;
  conversation?: string;
  list?: boolean;
}

/** Registers `quarry chat`. */
export function registerChatCommand(program: Command, io: CliIo): void {
  const command = program
    .command('chat')
    .description(
      'an interactive conversation with memory; follow-ups are condensed into standalone questions',
    )
    .option(
      '--model <name>',
      'a models.entries name or provider:model-id (default: models.default, or QUARRY_MODEL)',
    )
    .option('--conversation <id>', 'resume this conversation')
    .option('--list', 'list the stored conversations and exit');
  addSearchFilterOptions(command).action(async (options: ChatOptions, command: Command) => {
    const mode = parseMode(options.mode);
    await withServices(command, io, async (services) => {
      if (options.list) return printConversations(services, io);
      const stdin = io.stdin;
      if (stdin === undefined)
        throw new ValidationError('quarry chat needs an input to read questions from.');
      // A wrong --conversation is reported before any model is loaded (or downloaded).
      const resumed =
        options.conversation === undefined
          ? undefined
          : await resumeConversation(services, options.conversation);
      const opened = await openAssistant(services, io, options.model);
      try {
        await chatLoop({ services, io, stdin, opened, options, mode, resumed });
      } finally {
        await opened.close();
      }
    });
  });
}

async function printConversations(services: Services, io: CliIo): Promise<void> {
  // No owner: the CLI's user holds the catalog, so the list has every conversation, the server's too.
  const conversations = await listConversations(services.catalog, { limit: 50 });
  if (conversations.length === 0) {
    io.stdout('No conversations yet. Start one with: quarry chat\n');
    return;
  }
  for (const conversation of conversations) {
    io.stdout(
      `${conversation.id}  ${conversation.updatedAt}  ${conversation.messageCount} messages  ${conversation.title}\n`,
    );
  }
}

/** What one chat session works with. */
interface ChatSession {
  services: Services;
  io: CliIo;
  stdin: NodeJS.ReadableStream;
  opened: OpenedAssistant;
  options: ChatOptions;
  mode: ReturnType<typeof parseMode>;
  resumed: ConversationRecord | undefined;
}

/**
 * Reads one question per line until end of input or `/exit`. A new conversation is created with its first
 * successful exchange, and each exchange is stored only once its answer completed: a failing model prints
 * the error and the loop goes on with the history untouched (and no empty conversation left behind).
 */
async function chatLoop(session: ChatSession): Promise<void> {
  const { io, stdin, resumed } = session;
  let conversationId = resumed?.id;
  if (resumed)
    io.stderr(
      `Resuming conversation ${resumed.id} (${resumed.messageCount} messages). Type /exit to leave.\n`,
    );
  else io.stderr('Ask a question (one per line). Type /exit to leave.\n');
  const lines = createInterface({ input: stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  io.stderr('> ');
  for await (const line of lines) {
    const question = line.trim();
    if (question === '/exit' || question === '/quit') break;
    if (question !== '') conversationId = await askOnce(session, conversationId, question);
    io.stderr('> ');
  }
  lines.close();
  io.stderr('\n');
  if (conversationId)
    io.stderr(
      `Conversation ${conversationId} saved; resume it with: quarry chat --conversation ${conversationId}\n`,
    );
}

/** Answers one question; returns the conversation id (created with the first successful exchange). */
async function askOnce(
  session: ChatSession,
  conversationId: string | undefined,
  question: string,
): Promise<string | undefined> {
  const { services, io, opened, options, mode } = session;
  try {
    const history = conversationId
      ? await loadHistory(services.catalog, conversationId, opened.assistant.historyTurns)
      : [];
    const result = await answerQuestion(opened.assistant, {
      question,
      history,
      filters: filtersFrom(options),
      ...(mode === undefined ? {} : { mode }),
      onText: io.stdout,
    });
    const id =
      conversationId ?? (await openConversation(opened.conversations, { firstQuestion: question })).id;
    await recordExchange(opened.conversations, id, result);
    io.stdout(formatSources(result));
    for (const warning of citationWarnings(result)) io.stderr(`warning: ${warning}\n`);
    return id;
  } catch (error) {
    if (!QuarryError.is(error)) throw error;
    io.stdout('\n');
    io.stderr(
      `error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}(nothing was added to the conversation)\n`,
    );
    return conversationId;
  }
}
