/**
 * Maps character offsets of a text to 1-based line numbers and back, so chunks found by offset get exact
 * line ranges. Lines end at `\n` (a `\r\n` text has the same lines).
 */
export class LineIndex {
  /** Offset of the first character of each line; `lineStarts[0]` is line 1. */
  private readonly lineStarts: number[] = [0];

  constructor(private readonly text: string) {
    for (let newline = text.indexOf('\n'); newline !== -1; newline = text.indexOf('\n', newline + 1)) {
      this.lineStarts.push(newline + 1);
    }
  }

  /** How many lines the text has (an empty text has one, empty, line). */
  get lineCount(): number {
    return this.lineStarts.length;
  }

  /** The 1-based line that holds the character at `offset`. */
  lineAt(offset: number): number {
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.lineStarts[middle] ?? 0) <= offset) low = middle;
      else high = middle - 1;
    }
    return low + 1;
  }

  /** The offset where 1-based `line` starts; the text's length past the last line. */
  startOf(line: number): number {
    return this.lineStarts[line - 1] ?? this.text.length;
  }
}
