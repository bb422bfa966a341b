import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { type ChunkOptions, chunkDocument, type TextChunk } from './chunk-document.ts';
import { minimalPdf } from './minimal-pdf.test-support.ts';

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

function chunk(path: string, language: string, text: string | Uint8Array, options: ChunkOptions) {
  const bytes = typeof text === 'string' ? encode(text) : text;
  return chunkDocument({ path, bytes, language }, options);
}

/**
 * The line-range property: a chunk is its lines startLine..endLine, except that it may begin inside its
 * first line and end inside its last one (never a whole line early or late).
 */
function expectExactLines(source: string, chunk: TextChunk): void {
  const lines = source.split(/\r?\n/);
  const chunkLines = chunk.text.split('\n');
  expect(chunk.text.trim()).toBe(chunk.text);
  expect(chunk.text).not.toBe('');
  expect(chunkLines).toHaveLength(chunk.endLine - chunk.startLine + 1);
  const first = lines[chunk.startLine - 1] ?? '';
  const last = lines[chunk.endLine - 1] ?? '';
  if (chunkLines.length === 1) {
    expect(first).toContain(chunk.text);
    return;
  }
  expect(first.endsWith(chunkLines[0] ?? '')).toBe(true);
  expect(last.startsWith(chunkLines.at(-1) ?? '')).toBe(true);
  expect(chunkLines.slice(1, -1)).toEqual(lines.slice(chunk.startLine, chunk.endLine - 1));
}

/** Every line with text in the source lies in some chunk: splitting loses nothing. */
function expectEveryLineCovered(source: string, chunks: TextChunk[]): void {
  const covered = new Set<number>();
  for (const { startLine, endLine } of chunks) {
    for (let line = startLine; line <= endLine; line++) covered.add(line);
  }
  const uncovered = source
    .split('\n')
    .map((line, index) => ({ line, number: index + 1 }))
    .filter(({ line, number }) => line.trim() !== '' && !covered.has(number));
  expect(uncovered).toEqual([]);
}

const typescriptSource = `import { createHash } from 'node:crypto';
import type { Logger } from '../core/ports/logger.ts';

/** Options of the cache. */
export interface CacheOptions {
  /** Entries kept before the oldest is dropped. */
  maxEntries: number;
  logger?: Logger;
}

/** A small least-recently-used cache keyed by content hash. */
export class ContentCache<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(private readonly options: CacheOptions) {
    if (options.maxEntries < 1) {
      throw new RangeError('maxEntries must be at least 1');
    }
  }

  /** The value stored for \`content\`, refreshed as most recently used. */
  get(content: string): Value | undefined {
    const key = hashOf(content);
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }

  set(content: string, value: Value): void {
    const key = hashOf(content);
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.options.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
      this.options.logger?.debug({ key: oldest }, 'cache entry evicted');
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

function hashOf(content: string): string {
  return createHash('sha256').update(content).digest('hex');
}

export async function warmUp<Value>(
  cache: ContentCache<Value>,
  contents: string[],
  compute: (content: string) => Promise<Value>,
): Promise<number> {
  let computed = 0;
  for (const content of contents) {
    if (cache.get(content) !== undefined) continue;
    cache.set(content, await compute(content));
    computed++;
  }
  return computed;
}

const veryLongConstantThatIsAlsoQuiteDescriptive = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta', 'iota', 'kappa', 'lambda', 'mu', 'nu', 'xi', 'omicron', 'pi', 'rho', 'sigma', 'tau', 'upsilon', 'phi', 'chi', 'psi', 'omega'];

export default veryLongConstantThatIsAlsoQuiteDescriptive;
`;

const pythonSource = `"""Tokenisers for the keyword index."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

WORD = re.compile(r"[\\w']+")


@dataclass
class Token:
    text: str
    start: int
    end: int


@dataclass
class Tokeniser:
    """Splits text into lowercase, accent-free tokens."""

    stop_words: set[str] = field(default_factory=set)
    min_length: int = 2

    def normalise(self, text: str) -> str:
        decomposed = unicodedata.normalize("NFKD", text)
        return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()

    def tokens(self, text: str) -> list[Token]:
        result = []
        for match in WORD.finditer(text):
            word = self.normalise(match.group())
            if len(word) < self.min_length or word in self.stop_words:
                continue
            result.append(Token(word, match.start(), match.end()))
        return result

    async def tokens_async(self, text: str) -> list[Token]:
        return self.tokens(text)


def count_tokens(texts: list[str], tokeniser: Tokeniser | None = None) -> dict[str, int]:
    tokeniser = tokeniser or Tokeniser()
    counts: dict[str, int] = {}
    for text in texts:
        for token in tokeniser.tokens(text):
            counts[token.text] = counts.get(token.text, 0) + 1
    return counts


if __name__ == "__main__":
    import sys

    print(count_tokens(sys.stdin.read().splitlines()))
`;

const goSource = `// Package ranking fuses ranked lists.
package ranking

import (
	"sort"
)

// Hit is one ranked result.
type Hit struct {
	ID    int64
	Score float64
}

// DefaultK is the usual constant of reciprocal-rank fusion.
const DefaultK = 60

// Fuse merges ranked lists by reciprocal rank.
func Fuse(k int, lists ...[]Hit) []Hit {
	scores := map[int64]float64{}
	for _, list := range lists {
		for rank, hit := range list {
			scores[hit.ID] += 1 / float64(k+rank+1)
		}
	}
	fused := make([]Hit, 0, len(scores))
	for id, score := range scores {
		fused = append(fused, Hit{ID: id, Score: score})
	}
	sort.Slice(fused, func(i, j int) bool {
		if fused[i].Score == fused[j].Score {
			return fused[i].ID < fused[j].ID
		}
		return fused[i].Score > fused[j].Score
	})
	return fused
}

// Top returns at most n hits.
func Top(hits []Hit, n int) []Hit {
	if n >= len(hits) {
		return hits
	}
	return hits[:n]
}

var registry = map[string]func(int, ...[]Hit) []Hit{
	"rrf": Fuse,
}
`;

describe('chunkDocument: code', () => {
  const sources = [
    ['src/content-cache.ts', 'typescript', typescriptSource],
    ['tokeniser.py', 'python', pythonSource],
    ['ranking/fuse.go', 'go', goSource],
  ] as const;
  const sizes: ChunkOptions[] = [
    { maxCharacters: 120 },
    { maxCharacters: 300 },
    { maxCharacters: 800 },
    { maxCharacters: 300, overlapCharacters: 80 },
  ];

  for (const [path, language, source] of sources) {
    for (const options of sizes) {
      it(`gives every chunk of ${path} its exact lines (${JSON.stringify(options)})`, async () => {
        const parsed = await chunk(path, language, source, options);
        expect(parsed.language).toBe(language);
        expect(parsed.chunks.length).toBeGreaterThan(1);
        for (const piece of parsed.chunks) {
          expect(piece.text.length).toBeLessThanOrEqual(options.maxCharacters);
          expect(piece.headingPath).toEqual([]);
          expectExactLines(source, piece);
        }
        expectEveryLineCovered(source, parsed.chunks);
        const starts = parsed.chunks.map((piece) => piece.startLine);
        expect(starts).toEqual([...starts].sort((a, b) => a - b));
      });
    }
  }

  it('keeps functions and classes whole when they fit', async () => {
    const parsed = await chunk('ranking/fuse.go', 'go', goSource, { maxCharacters: 700 });
    const fuse = parsed.chunks.find((piece) => piece.text.includes('func Fuse('));
    expect(fuse?.text).toContain('return fused\n}');
    const python = await chunk('tokeniser.py', 'python', pythonSource, { maxCharacters: 600 });
    expect(python.chunks.some((piece) => piece.text.startsWith('def count_tokens('))).toBe(true);
  });

  it('keeps line ranges exact in files with Windows line endings', async () => {
    const source = goSource.replaceAll('\n', '\r\n');
    const parsed = await chunk('ranking/fuse.go', 'go', source, { maxCharacters: 200 });
    expect(parsed.chunks.some((piece) => piece.text.includes('\r'))).toBe(false);
    for (const piece of parsed.chunks) expectExactLines(source, piece);
  });

  it('cuts a line longer than the limit inside the line', async () => {
    const source = `{\n"data": "${'abcdefghij'.repeat(250)}"\n}\n`;
    const parsed = await chunk('data.json', 'json', source, { maxCharacters: 400 });
    const insideLongLine = parsed.chunks.filter((piece) => piece.startLine === 2 && piece.endLine === 2);
    expect(insideLongLine.length).toBeGreaterThanOrEqual(6);
    for (const piece of parsed.chunks) {
      expect(piece.text.length).toBeLessThanOrEqual(400);
      expectExactLines(source, piece);
    }
  });
});

describe('chunkDocument: plain text', () => {
  it('keeps a short file as one chunk, trimmed, with its lines', async () => {
    const parsed = await chunk('notes.txt', 'text', '\n\n  A short abstract about\nvitamin D.  \n\n', {
      maxCharacters: 1_000,
    });
    expect(parsed).toEqual({
      language: 'text',
      chunks: [{ text: 'A short abstract about\nvitamin D.', startLine: 3, endLine: 4, headingPath: [] }],
      invalidBytes: 0,
    });
  });

  it('splits long text at paragraphs with exact lines', async () => {
    const paragraphs = Array.from(
      { length: 12 },
      (_, index) => `Paragraph ${index} explains one idea.\nIt continues on a second line with more words.`,
    );
    const source = paragraphs.join('\n\n');
    const parsed = await chunk('guide.txt', 'text', source, { maxCharacters: 200 });
    expect(parsed.chunks.length).toBeGreaterThan(3);
    for (const piece of parsed.chunks) {
      expect(piece.text.length).toBeLessThanOrEqual(200);
      expect(piece.text.startsWith('Paragraph')).toBe(true);
      expectExactLines(source, piece);
    }
    expectEveryLineCovered(source, parsed.chunks);
  });

  it('returns no chunks for an empty or blank file', async () => {
    expect(await chunk('empty.txt', 'text', '', { maxCharacters: 100 })).toEqual({
      language: 'text',
      chunks: [],
      invalidBytes: 0,
    });
    expect((await chunk('blank.ts', 'typescript', ' \n\t\n\n', { maxCharacters: 100 })).chunks).toEqual([]);
    expect((await chunk('empty.md', 'markdown', '', { maxCharacters: 100 })).chunks).toEqual([]);
    expect((await chunk('empty.html', 'html', '', { maxCharacters: 100 })).chunks).toEqual([]);
  });

  it('reports invalid UTF-8 bytes', async () => {
    const bytes = new Uint8Array([...encode('caf'), 0xe9, ...encode(' au lait '), 0xff, 0xfe]);
    const parsed = await chunk('menu.txt', 'text', bytes, { maxCharacters: 100 });
    expect(parsed.invalidBytes).toBe(3);
    expect(parsed.chunks[0]?.text).toBe('caf\uFFFD au lait \uFFFD\uFFFD');
  });

  it('rejects sizes that cannot work', async () => {
    for (const options of [
      { maxCharacters: 0 },
      { maxCharacters: 10.5 },
      { maxCharacters: 100, overlapCharacters: 100 },
      { maxCharacters: 100, overlapCharacters: -1 },
    ]) {
      await expect(chunk('a.txt', 'text', 'text', options)).rejects.toBeInstanceOf(ValidationError);
    }
  });
});

describe('chunkDocument: Markdown', () => {
  const readme = [
    '---', // 1
    'title: Front matter is not content', // 2
    '---', // 3
    '# Quarry', // 4
    '', // 5
    'A workbench for software teams.', // 6
    '', // 7
    '## Usage', // 8
    '', // 9
    '### Search', // 10
    '', // 11
    '```bash', // 12
    '# search the synced repositories', // 13
    'quarry search "vector index"', // 14
    '```', // 15
    '', // 16
    '## Install', // 17
    'npm install -g quarry', // 18
  ].join('\n');

  it('gives each section its heading trail and lines, and the first H1 as title', async () => {
    const parsed = await chunk('README.md', 'markdown', readme, { maxCharacters: 500 });
    expect(parsed.title).toBe('Quarry');
    expect(parsed.chunks).toEqual([
      {
        text: '# Quarry\n\nA workbench for software teams.',
        startLine: 4,
        endLine: 6,
        headingPath: ['Quarry'],
      },
      { text: '## Usage', startLine: 8, endLine: 8, headingPath: ['Quarry', 'Usage'] },
      {
        text: '### Search\n\n```bash\n# search the synced repositories\nquarry search "vector index"\n```',
        startLine: 10,
        endLine: 15,
        headingPath: ['Quarry', 'Usage', 'Search'],
      },
      {
        text: '## Install\nnpm install -g quarry',
        startLine: 17,
        endLine: 18,
        headingPath: ['Quarry', 'Install'],
      },
    ]);
  });

  it('sub-splits a large section, keeping its heading trail and exact lines', async () => {
    const body = Array.from(
      { length: 30 },
      (_, index) => `Step ${index}: run the command and check the output carefully.`,
    ).join('\n\n');
    const source = `# Guide\n\n## Long section\n\n${body}\n\n## Short section\n\nDone.\n`;
    const parsed = await chunk('docs/guide.md', 'markdown', source, { maxCharacters: 300 });
    const long = parsed.chunks.filter((piece) => piece.headingPath.at(-1) === 'Long section');
    expect(long.length).toBeGreaterThan(3);
    for (const piece of parsed.chunks) {
      expect(piece.text.length).toBeLessThanOrEqual(300);
      expectExactLines(source, piece);
    }
    expect(long.every((piece) => piece.headingPath.join('/') === 'Guide/Long section')).toBe(true);
    expect(parsed.chunks.at(-1)).toMatchObject({
      text: '## Short section\n\nDone.',
      headingPath: ['Guide', 'Short section'],
    });
    expectEveryLineCovered(source, parsed.chunks);
  });
});

describe('chunkDocument: HTML', () => {
  const page = `<html><head><title>API reference</title><script>var SECRET = 1;</script></head>
<body>
<nav><ul><li>NAV_ENTRY</li></ul></nav>
<main>
<h1>API reference</h1>
<p>The search endpoint returns ranked chunks with everything needed to cite them in an answer.</p>
<h2>Search</h2>
<p>Send a query with optional filters for repository, version and language.</p>
<h3>Filters</h3>
<table><tr><th>Name</th><th>Type</th></tr><tr><td>repos</td><td>string[]</td></tr></table>
<h2>Status</h2>
<pre>GET /status
200 OK</pre>
</main>
<footer>FOOTER_TEXT</footer>
</body></html>`;

  it('chunks the readable text by headings, without scripts or navigation', async () => {
    const parsed = await chunk('docs/api.html', 'html', page, { maxCharacters: 500 });
    expect(parsed.title).toBe('API reference');
    const all = parsed.chunks.map((piece) => piece.text).join('\n');
    for (const unwanted of ['SECRET', 'NAV_ENTRY', 'FOOTER_TEXT']) expect(all).not.toContain(unwanted);
    expect(parsed.chunks.map((piece) => piece.headingPath)).toEqual([
      [],
      ['Search'],
      ['Search', 'Filters'],
      ['Status'],
    ]);
    expect(parsed.chunks[2]?.text).toBe('Filters\n\nName | Type\nrepos | string[]');
    expect(parsed.chunks[3]?.text).toBe('Status\n\nGET /status\n200 OK');
    const lines = parsed.chunks.map((piece) => [piece.startLine, piece.endLine]);
    expect(lines).toEqual([...lines].sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0)));
  });
});

describe('chunkDocument: PDF', () => {
  it('chunks each page on its own, with the page as line and heading', async () => {
    const pdf = minimalPdf(
      [
        ['Quarry user manual', 'Chapter 1: keeping sources fresh'],
        ['Chapter 2: asking questions', 'Answers cite their sources'],
      ],
      { title: 'Quarry manual' },
    );
    const parsed = await chunk('manual.pdf', 'pdf', pdf, { maxCharacters: 1_000 });
    expect(parsed.title).toBe('Quarry manual');
    expect(parsed.invalidBytes).toBe(0);
    expect(parsed.chunks).toEqual([
      {
        text: 'Quarry user manual\nChapter 1: keeping sources fresh',
        startLine: 1,
        endLine: 1,
        headingPath: ['page 1'],
      },
      {
        text: 'Chapter 2: asking questions\nAnswers cite their sources',
        startLine: 2,
        endLine: 2,
        headingPath: ['page 2'],
      },
    ]);
  });

  it('splits a long page into chunks that all point at that page', async () => {
    const lines = Array.from({ length: 30 }, (_, index) => `Line ${index} of a long page of the manual`);
    const parsed = await chunk('long.pdf', 'pdf', minimalPdf([['Cover'], lines]), { maxCharacters: 200 });
    const secondPage = parsed.chunks.filter((piece) => piece.startLine === 2);
    expect(secondPage.length).toBeGreaterThan(3);
    expect(secondPage.every((piece) => piece.endLine === 2 && piece.headingPath[0] === 'page 2')).toBe(true);
    expect(parsed.chunks.every((piece) => piece.text.length <= 200)).toBe(true);
  });

  it('rejects a corrupt PDF with a clear error', async () => {
    const corrupt = encode('%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 9 0 R\nendobj\ntrailer\n%%EOF');
    await expect(chunk('broken.pdf', 'pdf', corrupt, { maxCharacters: 500 })).rejects.toThrow(
      /^Cannot read PDF: /,
    );
  });
});
