import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { maxIgnoreFileBytes, parseIgnoreFile, parseIgnoreRules } from './ignore-rules.ts';

function errorOf(action: () => unknown): ValidationError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return error as ValidationError;
  }
  throw new Error('expected a ValidationError');
}

describe('parseIgnoreRules', () => {
  it('applies gitignore semantics: globs, folders, anchors and negation', () => {
    const rules = parseIgnoreRules('*.png\ndocs/*\n!docs/keep.md\n/build\n', '.quarryignore');
    expect(rules.ignores('logo.png', false)).toBe(true);
    expect(rules.ignores('src/assets/logo.png', false)).toBe(true);
    expect(rules.ignores('docs/guide.md', false)).toBe(true);
    expect(rules.ignores('docs/keep.md', false)).toBe(false);
    expect(rules.ignores('build/out.js', false)).toBe(true);
    expect(rules.ignores('src/build/out.js', false)).toBe(false);
    expect(rules.ignores('src/index.ts', false)).toBe(false);
  });

  it('treats a trailing slash as "folders only" and ignores everything below such a folder', () => {
    const rules = parseIgnoreRules('vendor/\n', 'rules');
    expect(rules.ignores('vendor', true)).toBe(true);
    expect(rules.ignores('vendor', false)).toBe(false);
    expect(rules.ignores('lib/vendor/x.js', false)).toBe(true);
  });

  it('cannot re-include a file whose folder is excluded, exactly like git', () => {
    const rules = parseIgnoreRules('docs/\n!docs/keep.md\n', 'rules');
    expect(rules.ignores('docs/keep.md', false)).toBe(true);
  });

  it('counts rules but not blank lines or comments, and accepts CRLF and a byte-order mark', () => {
    const rules = parseIgnoreRules(
      '\uFEFF# generated files\r\n\r\n*.min.js\r\n   \r\n\\#literal\r\n',
      'rules',
    );
    expect(rules.patternCount).toBe(2);
    expect(rules.ignores('app.min.js', false)).toBe(true);
    expect(rules.ignores('#literal', false)).toBe(true);
  });

  it('ignores nothing without rules', () => {
    const rules = parseIgnoreRules('', 'rules');
    expect(rules.patternCount).toBe(0);
    expect(rules.ignores('node_modules/x/index.js', false)).toBe(false);
    expect(rules.ignores('.git/config', false)).toBe(false);
  });

  it('accepts well-formed bracket expressions', () => {
    const rules = parseIgnoreRules(
      'pages/[...slug].tsx\n[[:digit:]]*.log\n[]a]\n[!]]x\n\\[literal\n',
      'rules',
    );
    expect(rules.patternCount).toBe(5);
    expect(rules.ignores('pages/[...slug].tsx', false)).toBe(false);
    expect(rules.ignores('pages/s.tsx', false)).toBe(true);
    expect(rules.ignores('7-day.log', false)).toBe(true);
    expect(rules.ignores('[literal', false)).toBe(true);
  });

  it.each([
    ['an out-of-order range', 'ok.txt\n[z-a].txt\n', 2, /range "z-a" is out of order/],
    ['an escaped out-of-order range', '[\\9-0]\n', 1, /range "9-0" is out of order/],
    ['an unterminated bracket expression', '# c\n\nfile[0-9\n', 3, /never closed/],
    ['an unknown character class', '[[:letter:]]\n', 1, /"\[:letter:\]" is not a known character class/],
    ['a trailing lone backslash', 'a\nb\nc\nfoo\\\n', 4, /ends with a lone backslash/],
    ['a bad negated pattern', '!docs/[b-a]\n', 1, /out of order/],
  ])('rejects %s with the line number', (_name, text, lineNumber, problem) => {
    const error = errorOf(() => parseIgnoreRules(text, 'repo.ignore'));
    expect(error.message).toContain(`line ${lineNumber} of the ignore file repo.ignore`);
    expect(error.message).toMatch(problem);
    expect(error.hint).toBeDefined();
  });

  it('rejects NUL bytes and replacement characters with the line number', () => {
    expect(errorOf(() => parseIgnoreRules('a\nb\0c\n', 'rules')).message).toMatch(/NUL byte on line 2/);
    expect(errorOf(() => parseIgnoreRules('a\nb\nbad\uFFFD\n', 'rules')).message).toMatch(
      /not valid UTF-8 text on line 3/,
    );
  });

  it('rejects text over 1 MiB', () => {
    const text = '*.log\n'.repeat(Math.ceil(maxIgnoreFileBytes / 6) + 1);
    expect(errorOf(() => parseIgnoreRules(text, 'big.ignore')).message).toMatch(
      /big\.ignore is 1\.0 MiB, larger than the 1\.0 MiB/,
    );
  });
});

describe('parseIgnoreFile', () => {
  it('decodes UTF-8 bytes, including non-ASCII patterns', () => {
    const rules = parseIgnoreFile(new TextEncoder().encode('données/\n*.pdf\n'), 'rules');
    expect(rules.ignores('données/a.txt', false)).toBe(true);
    expect(rules.ignores('a.pdf', false)).toBe(true);
  });

  it('rejects invalid UTF-8 and names the line', () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\nalso ok\n'),
      Buffer.from([0x61, 0xc3, 0x28]),
      Buffer.from('\n'),
    ]);
    expect(errorOf(() => parseIgnoreFile(bytes, 'latin1.ignore')).message).toBe(
      'The ignore file latin1.ignore is not valid UTF-8 text on line 3.',
    );
  });

  it('rejects binary content and names the line of the first NUL byte', () => {
    const bytes = Buffer.from([0x2a, 0x0a, 0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]);
    expect(errorOf(() => parseIgnoreFile(bytes, 'logo.png')).message).toMatch(
      /logo\.png contains a NUL byte on line 2/,
    );
  });

  it('rejects files over 1 MiB before decoding them', () => {
    const bytes = new Uint8Array(maxIgnoreFileBytes + 1).fill(0x61);
    expect(errorOf(() => parseIgnoreFile(bytes, 'huge')).message).toMatch(/huge is 1\.0 MiB/);
  });
});
