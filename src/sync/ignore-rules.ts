import ignore from 'ignore';
import { formatByteSize } from '../core/byte-size.ts';
import { ValidationError } from '../core/errors/index.ts';
import { findIgnorePatternProblem } from './ignore-pattern-problem.ts';

/** Compiled rules of one ignore file (gitignore syntax and semantics). */
export interface IgnoreRules {
  /**
   * True when `relativePath` (`/`-separated, relative to the release's root folder, no leading `./`) is
   * left out, either by a rule or because a parent folder is; `isDirectory` lets `docs/`-style rules apply.
   */
  ignores(relativePath: string, isDirectory: boolean): boolean;
  /** How many rules the file holds (blank lines and comments do not count). */
  patternCount: number;
}

/** Ignore files larger than this are refused: real ones are a few KiB, and each rule costs every path. */
export const maxIgnoreFileBytes = 1024 * 1024;

/**
 * Decodes an ignore file's bytes as strict UTF-8 and parses it with {@link parseIgnoreRules}. Binary
 * content, invalid UTF-8 and oversized files are a `ValidationError` naming `label` and the line.
 */
export function parseIgnoreFile(bytes: Uint8Array, label: string): IgnoreRules {
  assertSize(bytes.byteLength, label);
  const nulIndex = bytes.indexOf(0);
  if (nulIndex !== -1) throw binaryContentError(label, lineAtByte(bytes, nulIndex));
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidUtf8Error(label, firstInvalidUtf8Line(bytes));
  }
  return parseIgnoreRules(text, label);
}

/**
 * Parses gitignore-style rules. Throws `ValidationError` naming `label` and the line number for binary
 * content (NUL bytes), undecodable text (U+FFFD), a file over 1 MiB, or a pattern that can never match.
 * Nothing is ignored by default: without rules, every path is kept.
 */
export function parseIgnoreRules(text: string, label: string): IgnoreRules {
  assertSize(Buffer.byteLength(text), label);
  const matcher = ignore();
  let patternCount = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  lines.forEach((line, index) => {
    checkLine(line, index + 1, label);
    if (!isRule(line)) return;
    try {
      matcher.add(line);
    } catch (error) {
      // The `ignore` package accepts every pattern today; this keeps a future rejection pointing at its line.
      throw patternError(label, index + 1, error instanceof Error ? error.message : String(error));
    }
    patternCount += 1;
  });
  return {
    patternCount,
    ignores: (relativePath, isDirectory) =>
      relativePath !== '' && matcher.ignores(isDirectory ? `${relativePath}/` : relativePath),
  };
}

function checkLine(line: string, lineNumber: number, label: string): void {
  if (line.includes('\0')) throw binaryContentError(label, lineNumber);
  if (line.includes('\uFFFD')) throw invalidUtf8Error(label, lineNumber);
  if (!isRule(line)) return;
  const pattern = line.startsWith('!') ? line.slice(1) : line;
  const problem = findIgnorePatternProblem(pattern.replace(/(?<!\\)[ \t]+$/, ''));
  if (problem !== null) throw patternError(label, lineNumber, problem);
}

/** Blank lines and `#` comments hold no rule, as in git. */
function isRule(line: string): boolean {
  return line.trim() !== '' && !line.startsWith('#');
}

function assertSize(byteLength: number, label: string): void {
  if (byteLength <= maxIgnoreFileBytes) return;
  throw new ValidationError(
    `The ignore file ${label} is ${formatByteSize(byteLength)}, larger than the ${formatByteSize(maxIgnoreFileBytes)} an ignore file may have.`,
    { hint: 'An ignore file holds gitignore-style patterns; check that the right file was given.' },
  );
}

function binaryContentError(label: string, lineNumber: number): ValidationError {
  return new ValidationError(
    `The ignore file ${label} contains a NUL byte on line ${lineNumber}; it looks binary.`,
    {
      hint: 'An ignore file holds gitignore-style patterns as UTF-8 text; check that the right file was given.',
    },
  );
}

function invalidUtf8Error(label: string, lineNumber: number): ValidationError {
  return new ValidationError(`The ignore file ${label} is not valid UTF-8 text on line ${lineNumber}.`, {
    hint: `Save ${label} as UTF-8 text.`,
  });
}

function patternError(label: string, lineNumber: number, problem: string): ValidationError {
  return new ValidationError(
    `The pattern on line ${lineNumber} of the ignore file ${label} is invalid: ${problem}.`,
    {
      hint: 'Fix the pattern (gitignore syntax), or escape special characters such as "[" with a backslash.',
    },
  );
}

function lineAtByte(bytes: Uint8Array, byteIndex: number): number {
  let lineNumber = 1;
  for (let index = 0; index < byteIndex; index += 1) if (bytes[index] === 0x0a) lineNumber += 1;
  return lineNumber;
}

function firstInvalidUtf8Line(bytes: Uint8Array): number {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let start = 0;
  for (let lineNumber = 1; ; lineNumber += 1) {
    const newline = bytes.indexOf(0x0a, start);
    const end = newline === -1 ? bytes.byteLength : newline;
    try {
      decoder.decode(bytes.subarray(start, end));
    } catch {
      return lineNumber;
    }
    if (newline === -1) return lineNumber;
    start = newline + 1;
  }
}
