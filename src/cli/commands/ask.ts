import type { Command } from 'commander';
import type { Services } from '../../app/create-services.ts';
import { answerQuestion, checkQuestion } from '../../assistant/answer-question.ts';
import { loadHistory, recordExchange } from '../../assistant/conversations.ts';
import type { SearchMode } from '../../core/ports/search-index.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { answerJson, citationWarnings, formatSources } from '../format-answer.ts';
import { openAssistant, resumeConversation } from '../open-assistant.ts';
import {
  addSearchFilterOptions,
  filtersFrom,
  parseLimit,
  parseMode,
  type SearchFilterOptions,
} from '../search-options.ts';

interface AskOptions extends SearchFilterOptions {
  k?: string;
  model?: string;
  conversation?: string;
  json?: boolean;
}

/** Registers `quarry ask`. */
export function registerAskCommand(program: Command, io: CliIo): void {
  const command = program
    .command('ask')
    .description('answer a question from the knowledge base, with checked citations')
    .argument('<question>', 'the question')
    .option(
      '--model <name>',
      'a models.entries name or provider:model-id (default: models.default, or QUARRY_MODEL)',
    )
    .option('--k <number>', 'passages to retrieve before packing (default: models.retrievalK)')
    .option(
      '--conversation <id>',
      'continue this conversation (see quarry chat --list) and record the exchange',
    );
  addSearchFilterOptions(command)
    .option('--json', 'print {answer, citations, model, usage, retrieval} as JSON instead of streaming')
    .action(async (question: string, options: AskOptions, command: Command) => {
      const k = options.k === undefined ? undefined : parseLimit(options.k, 100);
      const mode = parseMode(options.mode);
      await withServices(command, io, (services) => ask(services, io, question, options, { k, mode }));
    });
}

/** The flags of one `ask` that needed parsing. */
interface ParsedAskOptions {
  k: number | undefined;
  mode: SearchMode | undefined;
}

async function ask(
  services: Services,
  io: CliIo,
  question: string,
  options: AskOptions,
  { k, mode }: ParsedAskOptions,
): Promise<void> {
  // Everything that needs no model is checked first, so a mistake never waits for a model download.
  checkQuestion(question);
  const conversation =
    options.conversation === undefined ? undefined : await resumeConversation(services, options.conversation);
  const opened = await openAssistant(services, io, options.model);
  try {
    const history = conversation
      ? await loadHistory(services.catalog, conversation.id, opened.assistant.historyTurns)
      : [];
    const result = await streamToTerminal(io, options.json === true, (onText) =>
      answerQuestion(opened.assistant, {
        question,
        history,
        filters: filtersFrom(options),
        ...(k === undefined ? {} : { k }),
        ...(mode === undefined ? {} : { mode }),
        ...(onText === undefined ? {} : { onText }),
      }),
    );
    if (conversation) await recordExchange(opened.conversations, conversation.id, result);
    for (const warning of citationWarnings(result)) io.stderr(`warning: ${warning}\n`);
    io.stdout(options.json ? `${JSON.stringify(answerJson(result), null, 2)}\n` : formatSources(result));
  } finally {
    await opened.close();
  }
}

/**
 * Runs `answer` with a text callback printing to standard output (none for JSON output). When it fails
 * after printing part of an answer, the line is ended so the error and the shell prompt start on their own.
 */
async function streamToTerminal<T>(
  io: CliIo,
  json: boolean,
  answer: (onText: ((text: string) => void) | undefined) => Promise<T>,
): Promise<T> {
  let streamed = false;
  const onText = (text: string) => {
    streamed = true;
    io.stdout(text);
  };
  try {
    return await answer(json ? undefined : onText);
  } catch (error) {
    if (streamed) io.stdout('\n');
    throw error;
  }
}
