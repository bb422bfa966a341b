/** POSIX character classes git accepts inside a bracket expression, as in `[[:digit:]]`. */
const posixClasses = new Set([
  'alnum',
  'alpha',
  'blank',
  'cntrl',
  'digit',
  'graph',
  'lower',
  'print',
  'punct',
  'space',
  'upper',
  'xdigit',
]);

/**
 * Describes what is wrong with one gitignore pattern, or returns `null` for a well-formed one. Git (and
 * the `ignore` package, which mirrors it) silently turns an unterminated bracket expression, an unknown
 * `[:class:]` or a trailing lone backslash into a rule that never matches, and drops an out-of-order
 * range such as `[z-a]`; reporting them instead saves users from rules that quietly do nothing.
 */
export function findIgnorePatternProblem(pattern: string): string | null {
  let index = 0;
  while (index < pattern.length) {
    const character = pattern[index];
    if (character === '\\') {
      if (index + 1 >= pattern.length) return 'it ends with a lone backslash';
      index += 2;
    } else if (character === '[') {
      const scan = scanBracket(pattern, index);
      if (typeof scan === 'string') return scan;
      index = scan + 1;
    } else {
      index += 1;
    }
  }
  return null;
}

/** Returns the index of the closing `]` of the bracket expression opening at `start`, or a problem. */
function scanBracket(pattern: string, start: number): number | string {
  let index = start + 1;
  if (pattern[index] === '!' || pattern[index] === '^') index += 1;
  // Git reads the first member unconditionally, so a leading `]` is a member, not the terminator.
  let first = true;
  let previous: string | undefined;
  for (;;) {
    const character = pattern[index];
    if (character === undefined)
      return `the bracket expression at column ${start + 1} is never closed with "]"`;
    if (character === ']' && !first) return index;
    first = false;
    if (character === '\\') {
      index += 1;
      previous = pattern[index];
      if (previous === undefined)
        return `the bracket expression at column ${start + 1} is never closed with "]"`;
    } else if (
      character === '-' &&
      previous !== undefined &&
      index + 1 < pattern.length &&
      pattern[index + 1] !== ']'
    ) {
      index += 1;
      const upper = pattern[index] === '\\' ? pattern[++index] : pattern[index];
      if (upper !== undefined && upper < previous) {
        return `the range "${previous}-${upper}" is out of order, so git drops it`;
      }
      previous = undefined;
    } else if (character === '[' && pattern[index + 1] === ':') {
      const close = pattern.indexOf(']', index + 2);
      if (close === -1) return `the bracket expression at column ${start + 1} is never closed with "]"`;
      if (close > index + 2 && pattern[close - 1] === ':') {
        const name = pattern.slice(index + 2, close - 1);
        if (!posixClasses.has(name)) return `"[:${name}:]" is not a known character class`;
        index = close;
        previous = undefined;
      } else {
        // Without a `:]` the `[` is an ordinary member, as in git.
        previous = character;
      }
    } else {
      previous = character;
    }
    index += 1;
  }
}
