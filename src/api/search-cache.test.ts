import { describe, expect, it } from 'vitest';
import type { KnowledgeSearchRequest, KnowledgeSearchResult } from '../knowledge/search-knowledge.ts';
import { createSearchCache } from './search-cache.ts';

function counter() {
  const calls: string[] = [];
  const search = async (request: KnowledgeSearchRequest): Promise<KnowledgeSearchResult> => {
    calls.push(request.text);
    if (request.text === 'fail') throw new Error('index unavailable');
    return { mode: 'keyword', hits: [], warnings: [request.text] };
  };
  return { calls, search };
}

const request = (text: string, limit = 10): KnowledgeSearchRequest => ({ text, limit, filters: {} });

describe('createSearchCache', () => {
  it('answers an identical request from the cache until the time to live passes', async () => {
    let time = 0;
    const { calls, search } = counter();
    const cache = createSearchCache({ search, maxEntries: 10, ttlMs: 1000, now: () => time });
    await cache.search(request('retry'));
    await cache.search(request('retry'));
    await cache.search(request('retry', 5));
    expect(calls).toEqual(['retry', 'retry']);
    time = 1000;
    await cache.search(request('retry'));
    expect(calls).toHaveLength(3);
  });

  it('shares one search between concurrent identical requests, and never caches a failure', async () => {
    const { calls, search } = counter();
    const cache = createSearchCache({ search, maxEntries: 10, ttlMs: 1000, now: () => 0 });
    await Promise.all([cache.search(request('a')), cache.search(request('a'))]);
    expect(calls).toEqual(['a']);
    await expect(cache.search(request('fail'))).rejects.toThrow('index unavailable');
    await expect(cache.search(request('fail'))).rejects.toThrow('index unavailable');
    expect(calls).toEqual(['a', 'fail', 'fail']);
  });

  it('evicts the least recently used entry, forgets everything on clear, and can be turned off', async () => {
    const { calls, search } = counter();
    const cache = createSearchCache({ search, maxEntries: 2, ttlMs: 1000, now: () => 0 });
    await cache.search(request('a'));
    await cache.search(request('b'));
    await cache.search(request('a'));
    await cache.search(request('c'));
    await cache.search(request('a'));
    expect(calls).toEqual(['a', 'b', 'c']);
    await cache.search(request('b'));
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
    cache.clear();
    await cache.search(request('a'));
    expect(calls).toHaveLength(5);
    const off = counter();
    const uncached = createSearchCache({ search: off.search, maxEntries: 2, ttlMs: 0, now: () => 0 });
    await uncached.search(request('a'));
    await uncached.search(request('a'));
    expect(off.calls).toEqual(['a', 'a']);
  });
});
