/** No hand-written line of code gets this long; bundlers and minifiers write whole files on one. */
const longestReadableLine = 5_000;
/** Above this average, lines are not meant for people (only judged on files of a few KiB or more). */
const widestReadableAverage = 500;
const smallestJudgedFile = 2_048;
/** Prose is roughly one character in six whitespace; blobs (base64, minified data) have almost none. */
const proseWhitespaceShare = 0.05;

/** Languages whose files are prose, where long unwrapped lines are normal and are split while chunking. */
const proseLanguages: ReadonlySet<string> = new Set([
  'markdown',
  'text',
  'rst',
  'asciidoc',
  'latex',
  'html',
  'xml',
  'pdf',
]);

/**
 * True when a file's text is minified or otherwise machine-packed, so its chunks would be useless to
 * search: for code (or an unknown `language`), any line longer than 5,000 characters or an average line
 * longer than 500 characters in a file over 2 KiB. Prose languages (Markdown, plain text, HTML, …) are
 * judged by the average only, and only when they hardly contain whitespace, because a long unwrapped
 * paragraph is still worth indexing. Pass the language from `classifyFile` when it is known.
 */
export function isMinified(text: string, language?: string): boolean {
  const { longestLine, averageLine } = lineLengths(text);
  const wideOnAverage = text.length > smallestJudgedFile && averageLine > widestReadableAverage;
  if (language !== undefined && proseLanguages.has(language)) {
    return wideOnAverage && whitespaceShare(text) < proseWhitespaceShare;
  }
  return longestLine > longestReadableLine || wideOnAverage;
}

function lineLengths(text: string): { longestLine: number; averageLine: number } {
  let longestLine = 0;
  let lines = 0;
  let start = 0;
  while (start <= text.length) {
    const newline = text.indexOf('\n', start);
    const end = newline === -1 ? text.length : newline;
    longestLine = Math.max(longestLine, end - start);
    lines++;
    if (newline === -1) break;
    start = newline + 1;
  }
  return { longestLine, averageLine: text.length / lines };
}

function whitespaceShare(text: string): number {
  if (text.length === 0) return 1;
  let whitespace = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code === 32 || code === 9 || code === 10 || code === 13) whitespace++;
  }
  return whitespace / text.length;
}
