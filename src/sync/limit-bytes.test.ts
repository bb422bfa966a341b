import { describe, expect, it } from 'vitest';
import { LimitExceededError } from '../core/errors/index.ts';
import { limitBytes } from './limit-bytes.ts';

async function* chunks(sizes: number[], onFinish: () => void = () => {}): AsyncGenerator<Uint8Array> {
  try {
    for (const size of sizes) yield new Uint8Array(size);
  } finally {
    onFinish();
  }
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<number[]> {
  const seen: number[] = [];
  for await (const chunk of source) seen.push(chunk.byteLength);
  return seen;
}

describe('limitBytes', () => {
  it('passes every chunk through when the total stays within the limit', async () => {
    expect(await collect(limitBytes(chunks([3, 4, 3]), 10, 'sync.maxDownloadBytes'))).toEqual([3, 4, 3]);
  });

  it('throws LimitExceededError before handing on the chunk that crosses the limit', async () => {
    const seen: number[] = [];
    const error = await (async () => {
      for await (const chunk of limitBytes(chunks([4, 4, 4, 4]), 10, 'sync.maxDownloadBytes')) {
        seen.push(chunk.byteLength);
      }
    })().catch((caught: unknown) => caught);
    expect(seen).toEqual([4, 4]);
    expect(error).toBeInstanceOf(LimitExceededError);
    expect((error as LimitExceededError).limit).toBe('sync.maxDownloadBytes');
    expect((error as LimitExceededError).hint).toContain('sync.maxDownloadBytes');
  });

  it('names the limit and its size in the message', async () => {
    const twoGibibytes = 2 * 1024 ** 3;
    async function* huge(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array(1);
      // A fake chunk: only byteLength is read, so no 2 GiB buffer is needed.
      yield { byteLength: twoGibibytes } as Uint8Array;
    }
    const error = await collect(limitBytes(huge(), twoGibibytes, 'sync.maxDownloadBytes')).catch(
      (caught) => caught,
    );
    expect((error as Error).message).toMatch(
      /^The download is larger than sync\.maxDownloadBytes \(2\.0 GiB\);/,
    );
  });

  it('stops the source once the limit is crossed', async () => {
    let finished = false;
    const limited = limitBytes(
      chunks([6, 6, 6, 6, 6], () => {
        finished = true;
      }),
      10,
      'sync.maxDownloadBytes',
    );
    await expect(collect(limited)).rejects.toBeInstanceOf(LimitExceededError);
    expect(finished).toBe(true);
  });
});
