import { describe, expect, it } from 'vitest';
import { estimateTokens } from './estimate-tokens.ts';

describe('estimateTokens', () => {
  // Reference counts: the larger of OpenAI's cl100k_base and o200k_base for each text.
  it.each([
    [
      'English prose',
      55,
      'Quarry keeps the open-source code and documentation a team depends on fresh, and answers questions about it with citations. When a new release is published, the sync job downloads the archive, extracts it into a staging area, and promotes it only once every file has been written.',
    ],
    [
      'TypeScript',
      99,
      'export async function retry<T>(operation: () => Promise<T>, attempts = 3): Promise<T> {\n  let lastError: unknown;\n  for (let attempt = 0; attempt < attempts; attempt += 1) {\n    try {\n      return await operation();\n    } catch (error) {\n      lastError = error;\n      await new Promise((resolve) => setTimeout(resolve, 2 ** attempt * 100));\n    }\n  }\n  throw lastError;\n}\n',
    ],
    [
      'JSON',
      52,
      '{"name":"quarry","version":"0.1.0","dependencies":{"hono":"^4.6.0","zod":"^4.1.0"},"ports":[8080,8443,9000],"enabled":true}',
    ],
    [
      'Python',
      53,
      'def chunk(text: str, size: int = 500) -> list[str]:\n    """Split text into chunks of at most `size` characters."""\n    return [text[i : i + size] for i in range(0, len(text), size)]\n',
    ],
    [
      'Markdown',
      54,
      '## Install\n\n1. Run `npm install quarry`.\n2. Set `QUARRY_HOME=~/.quarry` (default: `./.quarry`).\n\n| flag | meaning |\n|---|---|\n| `--verbose` | print stack traces |\n',
    ],
  ])('does not under-count %s and stays within 1.4× of a BPE tokenizer', (_kind, reference, text) => {
    const estimate = estimateTokens(text);
    expect(estimate).toBeGreaterThanOrEqual(reference);
    expect(estimate).toBeLessThanOrEqual(reference * 1.4);
  });

  it('counts nothing as zero and anything as at least one', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('a')).toBe(1);
    expect(estimateTokens('.')).toBe(1);
  });

  it('splits identifiers and long numbers like BPE does', () => {
    expect(estimateTokens('getHttpStatus')).toBe(3);
    expect(estimateTokens('parseHTMLDocument')).toBe(4); // parse HTML Docu-ment
    expect(estimateTokens('1234567')).toBe(3);
  });

  it('counts each CJK character and emoji at least once', () => {
    expect(estimateTokens('检索增强生成')).toBeGreaterThanOrEqual(6);
    expect(estimateTokens('🙂')).toBeGreaterThanOrEqual(1);
  });
});
