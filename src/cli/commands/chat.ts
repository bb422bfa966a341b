import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import { answerQuestion } from '../../assistant/answer-question.ts';
import { loadHistory, openConversation, recordExchange } from '../../assistant/conversations.ts';
import { QuarryError, ValidationError } from '../../core/errors/index.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import type { Services } from '../create-services.ts';
import { citationWarnings, formatSources } from '../format-answer.ts';
import { type OpenedAssistant, openAssistant } from '../open-assistant.ts';
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
      if (options.list) return listConversations(services, io);
      const stdin = io.stdin;
      if (stdin === undefined)
        throw new ValidationError('quarry chat needs an input to read questions from.');
      const opened = await openAssistant(services, io, options.model);
      try {
        await chatLoop(services, io, stdin, opened, options, mode);
      } finally {
        await opened.close();
      }
    });
  });
}

async function listConversations(services: Services, io: CliIo): Promise<void> {
  const conversations = await services.catalog.listConversations({ limit: 50 });
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

/**
 * Reads one question per line until end of input or `/exit`. The conversation is created on the first
 * question (or resumed), and each exchange is stored only once its answer completed: a failing model
 * prints the error and the loop goes on with the history untouched.
 */
async function chatLoop(
  services: Services,
  io: CliIo,
  stdin: NodeJS.ReadableStream,
  opened: OpenedAssistant,
  options: ChatOptions,
  mode: ReturnType<typeof parseMode>,
): Promise<void> {
  let conversation =
    options.conversation === undefined
      ? undefined
      : await openConversation(opened.conversations, { id: options.conversation });
  if (conversation)
    io.stderr(
      `Resuming conversation ${conversation.id} (${conversation.messageCount} messages). Type /exit to leave.\n`,
    );
  else io.stderr('Ask a question (one per line). Type /exit to leave.\n');
  const lines = createInterface({ input: stdin, terminal: false, crlfDelay: Number.POSITIVE_INFINITY });
  const prompt = () => io.stderr('> ');
  prompt();
  for await (const line of lines) {
    const question = line.trim();
    if (question === '/exit' || question === '/quit') break;
    if (question !== '') {
      conversation ??= await openConversation(opened.conversations, { firstQuestion: question });
      await askOnce(services, io, opened, conversation.id, question, options, mode);
    }
    prompt();
  }
  lines.close();
  io.stderr('\n');
  if (conversation)
    io.stderr(
      `Conversation ${conversation.id} saved; resume it with: quarry chat --conversation ${conversation.id}\n`,
    );
}

async function askOnce(
  services: Services,
  io: CliIo,
  opened: OpenedAssistant,
  conversationId: string,
  question: string,
  options: ChatOptions,
  mode: ReturnType<typeof parseMode>,
): Promise<void> {
  try {
    const history = await loadHistory(services.catalog, conversationId, opened.assistant.historyTurns);
    const result = await answerQuestion(opened.assistant, {
      question,
      history,
      filters: filtersFrom(options),
      ...(mode === undefined ? {} : { mode }),
      onText: io.stdout,
    });
    await recordExchange(opened.conversations, conversationId, result);
    io.stdout(formatSources(result));
    for (const warning of citationWarnings(result)) io.stderr(`warning: ${warning}\n`);
  } catch (error) {
    if (!QuarryError.is(error)) throw error;
    io.stdout('\n');
    io.stderr(
      `error: ${error.message}\n${error.hint ? `hint: ${error.hint}\n` : ''}(nothing was added to the conversation)\n`,
    );
  }
}
