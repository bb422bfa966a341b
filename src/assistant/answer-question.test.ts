import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it } from 'vitest';
import type { KnowledgeHit, KnowledgeSearchRequest } from '../knowledge/search-knowledge.ts';
import {
  mockRuntime,
  modelReply,
  promptOf,
  rejectionOf,
  streamedReply,
  widgetHit,
} from '../models/language-runtime.test-support.ts';
import { answerQuestion } from './answer-question.ts';
import type { AssistantDependencies } from './assistant-types.ts';

const hits = [
  widgetHit('src/retry.py', 'def retry_with_backoff(attempts): wait twice as long after each failure'),
  widgetHit('src/config.py', 'RETRIES = 3  # how many times a request is retried'),
  widgetHit('README.md', 'Widgets retries failed requests three times by default.'),
];

function assistantWith(model: MockLanguageModelV3, found: KnowledgeHit[] = hits, overrides = {}) {
  const searches: KnowledgeSearchRequest[] = [];
  const dependencies: AssistantDependencies = {
    search: async (request) => {
      searches.push(request);
      return { mode: 'keyword', hits: found.slice(0, request.limit), warnings: [] };
    },
    runtime: mockRuntime(model, overrides),
    historyTurns: 6,
    retrievalK: 8,
  };
  return { dependencies, searches };
}

describe('answerQuestion', () => {
  it('streams the answer, numbers the sources the model saw and returns the cited ones', async () => {
    const model = new MockLanguageModelV3({
      doStream: streamedReply(['Requests are retried three ', 'times [3', '] with backoff [1].']),
    });
    const { dependencies } = assistantWith(model);
    const streamed: string[] = [];
    const result = await answerQuestion(dependencies, {
      question: 'How often are requests retried?',
      onText: (text) => streamed.push(text),
    });
    expect(streamed.join('')).toBe('Requests are retried three times [3] with backoff [1].');
    expect(result.answer).toBe(streamed.join(''));
    expect(result.citations.map((source) => [source.n, source.path])).toEqual([
      [3, 'README.md'],
      [1, 'src/retry.py'],
    ]);
    expect(result.sources).toHaveLength(3);
    expect(result.unsupported).toBe(false);
    expect(result.usage).toEqual({ inputTokens: 40, outputTokens: 12, totalTokens: 52 });
    const prompt = promptOf(model.doStreamCalls[0]);
    const question = prompt.at(-1)?.[1] ?? '';
    expect(question).toContain('[1] acme/widgets@v2.0.0:src/retry.py:10-20\ndef retry_with_backoff');
    expect(question).toContain('[3] acme/widgets@v2.0.0:README.md:10-20');
    expect(question).toContain('Question: How often are requests retried?');
    expect(prompt[0]?.[0]).toBe('system');
  });

  it('removes citations of sources that were not given and counts them', async () => {
    const model = new MockLanguageModelV3({ doStream: streamedReply(['Three times [2][9]. Always [7].']) });
    const result = await answerQuestion(assistantWith(model).dependencies, { question: 'retries?' });
    expect(result.answer).toBe('Three times [2]. Always.');
    expect(result.removedCitations).toBe(2);
    expect(result.citations.map((source) => source.n)).toEqual([2]);
    expect(result.unsupported).toBe(false);
  });

  it('reports cited statements that share no words with the passages they cite', async () => {
    const model = new MockLanguageModelV3({
      doStream: streamedReply([
        'Requests are retried three times [3]. ',
        'Kubernetes pods scale horizontally [1].',
      ]),
    });
    const result = await answerQuestion(assistantWith(model).dependencies, { question: 'retries?' });
    expect(result.citationSupport).toEqual({
      checked: 2,
      weak: [{ statement: 'Kubernetes pods scale horizontally.', cited: [1] }],
    });
  });

  it('flags an answer that cites none of the given sources as unsupported', async () => {
    const model = new MockLanguageModelV3({ doStream: streamedReply(['Probably five times.']) });
    const result = await answerQuestion(assistantWith(model).dependencies, { question: 'retries?' });
    expect(result.unsupported).toBe(true);
    expect(result.citations).toEqual([]);
  });

  it('does not flag an answer when nothing was retrieved', async () => {
    const model = new MockLanguageModelV3({ doStream: streamedReply(['I could not find it [1].']) });
    const result = await answerQuestion(assistantWith(model, []).dependencies, { question: 'retries?' });
    expect(result.unsupported).toBe(false);
    expect(result.removedCitations).toBe(1);
    expect(promptOf(model.doStreamCalls[0]).at(-1)?.[1]).toContain('(no passages matched the question)');
  });

  it('condenses a follow-up before retrieval and sends the history with the question', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: modelReply('Standalone question: "How often does widgets v2 retry?"'),
      doStream: streamedReply(['Three times [1].']),
    });
    const { dependencies, searches } = assistantWith(model);
    const result = await answerQuestion(dependencies, {
      question: 'and in v2?',
      history: [
        { role: 'user', content: 'How often does widgets retry?' },
        { role: 'assistant', content: 'Twice [1].' },
      ],
    });
    expect(searches[0]?.text).toBe('How often does widgets v2 retry?');
    expect(result.standaloneQuestion).toBe('How often does widgets v2 retry?');
    const condensePrompt = promptOf(model.doGenerateCalls[0]).at(-1)?.[1] ?? '';
    expect(condensePrompt).toContain('User: How often does widgets retry?\nAssistant: Twice [1].');
    expect(condensePrompt).toContain('Follow-up question: and in v2?');
    const roles = promptOf(model.doStreamCalls[0]).map(([role]) => role);
    expect(roles).toEqual(['system', 'user', 'assistant', 'user']);
    expect(result.usage.inputTokens).toBe(80);
  });

  it('asks the model nothing extra for a first question', async () => {
    const model = new MockLanguageModelV3({ doStream: streamedReply(['Yes [1].']) });
    await answerQuestion(assistantWith(model).dependencies, { question: 'retries?' });
    expect(model.doGenerateCalls).toHaveLength(0);
  });

  it('packs whole passages best first within the context budget', async () => {
    const long = widgetHit('src/long.py', 'x '.repeat(2000));
    const model = new MockLanguageModelV3({ doStream: streamedReply(['ok [1].']) });
    const { dependencies } = assistantWith(model, [hits[0] as KnowledgeHit, long, hits[2] as KnowledgeHit], {
      contextTokens: 900,
      maxOutputTokens: 200,
    });
    const result = await answerQuestion(dependencies, { question: 'retries?' });
    expect(result.sources.map((source) => [source.n, source.path])).toEqual([
      [1, 'src/retry.py'],
      [2, 'README.md'],
    ]);
    expect(result.retrieval).toMatchObject({ retrieved: 3, packed: 2 });
    const prompt = promptOf(model.doStreamCalls[0]).at(-1)?.[1] ?? '';
    expect(prompt).not.toContain('src/long.py');
  });

  it('rejects an empty question before searching or calling the model', async () => {
    const model = new MockLanguageModelV3({ doStream: streamedReply(['never']) });
    const { dependencies, searches } = assistantWith(model);
    const error = await rejectionOf(answerQuestion(dependencies, { question: '  \n ' }));
    expect(error.name).toBe('ValidationError');
    expect(error.message).toBe('The question is empty.');
    expect(searches).toHaveLength(0);
    expect(model.doStreamCalls).toHaveLength(0);
  });

  it('rejects a question longer than the context budget before any model call', async () => {
    const model = new MockLanguageModelV3({ doStream: streamedReply(['never']) });
    const { dependencies, searches } = assistantWith(model, hits, {
      contextTokens: 400,
      maxOutputTokens: 100,
    });
    const error = await rejectionOf(
      answerQuestion(dependencies, {
        question: 'why '.repeat(400),
        history: [{ role: 'user', content: 'hi' }],
      }),
    );
    expect(error.name).toBe('ValidationError');
    expect(error.message).toMatch(/too long for the model mock-coder.*400-token context/);
    expect(error.hint).toMatch(/Shorten the question/);
    expect(searches).toHaveLength(0);
    expect(model.doGenerateCalls).toHaveLength(0);
    expect(model.doStreamCalls).toHaveLength(0);
  });

  it('drops the oldest history turns that do not fit', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: modelReply('retries in v2?'),
      doStream: streamedReply(['ok [1].']),
    });
    const { dependencies } = assistantWith(model, hits, { contextTokens: 700, maxOutputTokens: 100 });
    await answerQuestion(dependencies, {
      question: 'and v2?',
      history: [
        { role: 'user', content: 'old '.repeat(800) },
        { role: 'assistant', content: 'recent answer' },
      ],
    });
    const contents = promptOf(model.doStreamCalls[0]).map(([, text]) => text);
    expect(contents).toContain('recent answer');
    expect(contents.some((text) => text.startsWith('old old'))).toBe(false);
  });

  it('condenses with only the history that fits the context, so long conversations keep working', async () => {
    const model = new MockLanguageModelV3({
      doGenerate: modelReply('retries in v2?'),
      doStream: streamedReply(['ok [1].']),
    });
    const { dependencies } = assistantWith(model, hits, { contextTokens: 1024, maxOutputTokens: 200 });
    const history = Array.from({ length: 12 }, (_, turn) => ({
      role: turn % 2 === 0 ? ('user' as const) : ('assistant' as const),
      content: `turn ${turn} ${'detail '.repeat(150)}`,
    }));
    await answerQuestion(dependencies, { question: 'and v2?', history });
    const condensePrompt = promptOf(model.doGenerateCalls[0]).at(-1)?.[1] ?? '';
    expect(Math.ceil(condensePrompt.length / 4)).toBeLessThan(1024 - 200);
    expect(condensePrompt).toContain('turn 11');
    expect(condensePrompt).not.toContain('turn 0 ');
  });

  it('turns a stream error into one clear error naming the model', async () => {
    const model = new MockLanguageModelV3({
      doStream: async () => {
        throw new Error('socket hang up');
      },
    });
    const error = await rejectionOf(
      answerQuestion(assistantWith(model).dependencies, { question: 'retries?' }),
    );
    expect(error.name).toBe('UpstreamError');
    expect(error.message).toContain('The model mock-coder failed');
    expect(error.message).toContain('socket hang up');
  });

  it('returns the best passages, labelled, when there is no model', async () => {
    const { dependencies } = assistantWith(new MockLanguageModelV3());
    const result = await answerQuestion(
      { ...dependencies, runtime: undefined, unavailableReason: 'the download failed' },
      { question: 'retries?', k: 2 },
    );
    expect(result.retrievalOnly).toEqual({ reason: 'the download failed' });
    expect(result.answer).toBe('');
    expect(result.model).toBeNull();
    expect(result.sources.map((source) => source.n)).toEqual([1, 2]);
  });

  it('reports the sources before the model streams and the exact prompt it was sent', async () => {
    const events: string[] = [];
    const model = new MockLanguageModelV3({ doStream: streamedReply(['Three times [1].']) });
    let prompt: Array<{ role: string; content: string }> = [];
    await answerQuestion(assistantWith(model).dependencies, {
      question: 'retries?',
      onSources: (sources) => events.push(`sources ${sources.map((source) => source.n).join(',')}`),
      onPrompt: (messages) => {
        events.push('prompt');
        prompt = messages;
      },
      onText: () => events.push('text'),
    });
    expect([...new Set(events)]).toEqual(['sources 1,2,3', 'prompt', 'text']);
    expect(prompt.map((message) => [message.role, message.content])).toEqual(
      promptOf(model.doStreamCalls[0]),
    );
  });

  it('reports the passages of a retrieval-only answer as its sources', async () => {
    const { dependencies } = assistantWith(new MockLanguageModelV3());
    const reported: number[][] = [];
    await answerQuestion(
      { ...dependencies, runtime: undefined },
      {
        question: 'retries?',
        k: 2,
        onSources: (sources) => reported.push(sources.map((source) => source.n)),
      },
    );
    expect(reported).toEqual([[1, 2]]);
  });
});
