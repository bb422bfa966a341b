import type { SupportedTextSplitterLanguage } from '@langchain/textsplitters';
import { memoise } from '../../core/memoise.ts';

/** What the chunkers need from a splitter: pieces of the text, each a trimmed substring of it. */
export interface TextSplitter {
  splitText(text: string): Promise<string[]>;
}

/** The separator sets of `@langchain/textsplitters` that fit each of our languages. */
const splitterLanguages: ReadonlyMap<string, SupportedTextSplitterLanguage> = new Map(
  Object.entries({
    typescript: 'js',
    javascript: 'js',
    python: 'python',
    go: 'go',
    java: 'java',
    kotlin: 'java',
    rust: 'rust',
    ruby: 'ruby',
    php: 'php',
    c: 'cpp',
    cpp: 'cpp',
    csharp: 'cpp',
    swift: 'swift',
    scala: 'scala',
    proto: 'proto',
    rst: 'rst',
    latex: 'latex',
    solidity: 'sol',
    markdown: 'markdown',
  } satisfies Record<string, SupportedTextSplitterLanguage>),
);

/**
 * Boundaries langchain's sets miss, tried before them: TypeScript's exported declarations and types,
 * methods of Python classes, Kotlin functions, C# types.
 */
const extraSeparators: ReadonlyMap<string, string[]> = new Map(
  Object.entries({
    typescript: ['\nexport ', '\ninterface ', '\ntype ', '\nenum ', '\nabstract class ', '\nasync function '],
    javascript: ['\nexport ', '\nasync function '],
    python: ['\nclass ', '\ndef ', '\nasync def ', '\n    def ', '\n    async def '],
    kotlin: ['\nfun ', '\nobject ', '\ninterface ', '\ndata class '],
    csharp: ['\nnamespace ', '\npublic ', '\ninternal ', '\n    public ', '\n    private '],
  }),
);

const sentenceSeparator = '. ';
const plainSeparators = ['\n\n', '\n', sentenceSeparator, ' ', ''];

/** Prose is better cut between sentences than between words (and it takes far fewer pieces). */
const proseLanguages: ReadonlySet<string> = new Set(['text', 'markdown', 'rst', 'latex', 'asciidoc']);

const splitters = new Map<string, TextSplitter>();

/**
 * A recursive character splitter for `language` (code is cut at functions and classes first, then blank
 * lines, lines, words; prose at paragraphs, lines, sentences, words), created once per language and size. Every piece it returns is a trimmed substring
 * of its input of at most `maxCharacters`, because the last separator it falls back to is a single
 * character and it keeps separators in the text.
 */
export async function textSplitterFor(
  language: string,
  maxCharacters: number,
  overlapCharacters: number,
): Promise<TextSplitter> {
  const key = `${language}\u0000${maxCharacters}\u0000${overlapCharacters}`;
  const cached = splitters.get(key);
  if (cached !== undefined) return cached;
  const { RecursiveCharacterTextSplitter, DeclarationSplitter } = await splitterClasses();
  const splitterLanguage = splitterLanguages.get(language);
  let separators =
    splitterLanguage === undefined
      ? plainSeparators
      : unique([
          ...(extraSeparators.get(language) ?? []),
          ...RecursiveCharacterTextSplitter.getSeparatorsForLanguage(splitterLanguage),
        ]);
  if (proseLanguages.has(language) && !separators.includes(sentenceSeparator)) {
    separators = separators.flatMap((separator) =>
      separator === ' ' ? [sentenceSeparator, ' '] : [separator],
    );
  }
  const splitter = new DeclarationSplitter({
    chunkSize: maxCharacters,
    chunkOverlap: overlapCharacters,
    keepSeparator: true,
    separators,
  });
  // In prose, `#`, `*` and `--` lines are headings, list items and rules, not comments.
  splitter.attachComments = !proseLanguages.has(language);
  splitters.set(key, splitter);
  return splitter;
}

/** Loaded on first use: files below the chunk size never need langchain. */
const splitterClasses = memoise(async () => {
  const { RecursiveCharacterTextSplitter } = await import('@langchain/textsplitters');

  /**
   * Langchain's recursive splitter, except that a cut made before a declaration (`\nexport `, `\ndef `, …)
   * is moved up above the comments, decorators and attributes right on top of it, so a function keeps its
   * doc comment. Pieces stay contiguous: moving a cut changes where it is, not what the pieces hold.
   */
  class DeclarationSplitter extends RecursiveCharacterTextSplitter {
    attachComments = true;

    protected override splitOnSeparator(text: string, separator: string): string[] {
      // A sentence's full stop ends that sentence's piece instead of starting the next one.
      if (separator === sentenceSeparator) return text.split(/(?<=\. )/).filter((split) => split !== '');
      const splits = super.splitOnSeparator(text, separator);
      if (!this.attachComments || !separator.startsWith('\n') || separator.trim() === '') return splits;
      for (let index = 0; index + 1 < splits.length; index++) {
        const piece = splits[index] ?? '';
        const cut = attachedCommentStart(piece);
        if (cut <= 0) continue;
        splits[index] = piece.slice(0, cut);
        splits[index + 1] = piece.slice(cut) + (splits[index + 1] ?? '');
      }
      return splits;
    }
  }
  return { RecursiveCharacterTextSplitter, DeclarationSplitter };
});

/** Comment, decorator and attribute lines in the languages we split by declarations. */
const commentLine = /^\s*(?:\/\/|\/\*|\*|#|@|--|;)/;

/**
 * Where the unbroken run of comment lines that ends `piece` begins (at the newline before it), or -1.
 * A blank line ends the run: a comment separated from the declaration belongs to what came before.
 */
function attachedCommentStart(piece: string): number {
  let cut = -1;
  let end = piece.length;
  while (end > 0) {
    const newline = piece.lastIndexOf('\n', end - 1);
    const line = piece.slice(newline + 1, end);
    if (line.trim() === '' || !commentLine.test(line)) break;
    cut = newline;
    if (newline === -1) break;
    end = newline;
  }
  return cut;
}

function unique(separators: string[]): string[] {
  return [...new Set(separators)];
}
