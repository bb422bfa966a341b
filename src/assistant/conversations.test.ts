import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteCatalog } from '../adapters/sqlite/sqlite-catalog.ts';
import type { Catalog } from '../core/ports/catalog.ts';
import { rejectionOf } from '../models/language-runtime.test-support.ts';
import type { AnswerResult } from './assistant-types.ts';
import { loadHistory, openConversation, recordExchange, recordFailedExchange } from './conversations.ts';

let folder: string;
let catalog: Catalog;
const clock = () => new Date('2026-11-22T10:00:00Z');
let ids = 0;
const dependencies = () => ({ catalog, clock, newId: () => `c-${++ids}` });

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-conversations-'));
  catalog = createSqliteCatalog({ path: path.join(folder, 'quarry.sqlite') });
});

afterEach(async () => {
  await catalog.close();
  await rm(folder, { recursive: true, force: true });
});

function answer(question: string, text: string, extra: Partial<AnswerResult> = {}): AnswerResult {
  return {
    question,
    standaloneQuestion: question,
    answer: text,
    citations: [],
    sources: [],
    removedCitations: 0,
    unsupported: false,
    citationSupport: { checked: 0, weak: [] },
    model: 'mock',
    usage: { inputTokens: 10, outputTokens: 5, totalTokens: 15 },
    retrieval: { mode: 'keyword', k: 8, retrieved: 0, packed: 0, warnings: [] },
    ...extra,
  };
}

describe('conversations', () => {
  it('starts a conversation titled after its first question and records whole exchanges', async () => {
    const conversation = await openConversation(dependencies(), {
      firstQuestion: '  How do\nretries work?  ',
    });
    expect(conversation.title).toBe('How do retries work?');
    await recordExchange(dependencies(), conversation.id, answer('How do retries work?', 'Three times [1].'));
    await recordExchange(dependencies(), conversation.id, answer('and in v2?', 'Five times.'));
    expect(await loadHistory(catalog, conversation.id, 10)).toEqual([
      { role: 'user', content: 'How do retries work?' },
      { role: 'assistant', content: 'Three times [1].' },
      { role: 'user', content: 'and in v2?' },
      { role: 'assistant', content: 'Five times.' },
    ]);
    expect(await loadHistory(catalog, conversation.id, 2)).toHaveLength(2);
    const [, assistant] = await catalog.listMessages(conversation.id);
    expect(assistant?.metadata).toMatchObject({ model: 'mock', removedCitations: 0, unsupported: false });
  });

  it('keeps citation locations but not passage texts in the stored metadata', async () => {
    const conversation = await openConversation(dependencies(), { firstQuestion: 'q' });
    const source = {
      n: 1,
      citation: 'acme/widgets@v2:src/a.py:1-9',
      source: 'github:acme/widgets',
      repo: 'acme/widgets',
      version: 'v2',
      path: 'src/a.py',
      startLine: 1,
      endLine: 9,
      url: null,
      heading: null,
      text: 'a long passage',
    };
    await recordExchange(dependencies(), conversation.id, answer('q', 'a [1].', { citations: [source] }));
    const [, assistant] = await catalog.listMessages(conversation.id);
    const citations = assistant?.metadata.citations as Array<Record<string, unknown>>;
    expect(citations[0]).toMatchObject({ n: 1, path: 'src/a.py' });
    expect(citations[0]).not.toHaveProperty('text');
  });

  it('resumes an existing conversation and names an unknown one', async () => {
    const conversation = await openConversation(dependencies(), { firstQuestion: 'q' });
    expect((await openConversation(dependencies(), { id: conversation.id })).id).toBe(conversation.id);
    const error = await rejectionOf(openConversation(dependencies(), { id: 'c-missing' }));
    expect(error.name).toBe('NotFoundError');
    expect(error.message).toBe('There is no conversation c-missing.');
  });

  it('keeps the question of a failed answer but leaves the pair out of the history', async () => {
    const conversation = await openConversation(dependencies(), { firstQuestion: 'q1' });
    await recordExchange(dependencies(), conversation.id, answer('q1', 'a1'));
    await recordFailedExchange(dependencies(), conversation.id, 'q2', 'The model mock failed.');
    await recordExchange(dependencies(), conversation.id, answer('q3', 'a3'));
    const stored = await catalog.listMessages(conversation.id);
    expect(stored.map((message) => message.content)).toEqual(['q1', 'a1', 'q2', '', 'q3', 'a3']);
    expect(stored[3]?.metadata).toEqual({ error: 'The model mock failed.' });
    expect(await loadHistory(catalog, conversation.id, 10)).toEqual([
      { role: 'user', content: 'q1' },
      { role: 'assistant', content: 'a1' },
      { role: 'user', content: 'q3' },
      { role: 'assistant', content: 'a3' },
    ]);
    // The failed pair sits inside the last four messages: older turns fill its place.
    expect((await loadHistory(catalog, conversation.id, 4)).map((turn) => turn.content)).toEqual([
      'q1',
      'a1',
      'q3',
      'a3',
    ]);
    expect((await loadHistory(catalog, conversation.id, 2)).map((turn) => turn.content)).toEqual([
      'q3',
      'a3',
    ]);
  });

  it('gives a new conversation its owner and resumes it with the access rules of findConversation', async () => {
    const conversation = await openConversation(dependencies(), { firstQuestion: 'q', owner: 'alice' });
    expect(conversation.owner).toBe('alice');
    expect((await openConversation(dependencies(), { id: conversation.id, owner: 'alice' })).id).toBe(
      conversation.id,
    );
    const hint = 'Leave out --conversation.';
    const error = await rejectionOf(
      openConversation(dependencies(), { id: conversation.id, owner: 'bob', notFoundHint: hint }),
    );
    expect(error.name).toBe('NotFoundError');
    expect(error.hint).toBe(hint);
    const cli = await openConversation(dependencies(), { firstQuestion: 'q' });
    expect(cli.owner).toBeNull();
  });
});
