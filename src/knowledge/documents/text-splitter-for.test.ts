import { describe, expect, it } from 'vitest';
import { textSplitterFor } from './text-splitter-for.ts';

const typescript = `import { readFile } from 'node:fs/promises';

export interface Options {
  verbose: boolean;
}

export async function load(path: string): Promise<string> {
  return readFile(path, 'utf8');
}

export class Loader {
  constructor(private readonly options: Options) {}
}
`;

describe('textSplitterFor', () => {
  it('reuses one splitter per language and size', async () => {
    expect(await textSplitterFor('go', 500, 0)).toBe(await textSplitterFor('go', 500, 0));
    expect(await textSplitterFor('go', 500, 0)).not.toBe(await textSplitterFor('go', 600, 0));
  });

  it('cuts TypeScript at exported declarations', async () => {
    const pieces = await (await textSplitterFor('typescript', 100, 0)).splitText(typescript);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const piece of pieces) expect(piece).toMatch(/^(import|export) [\s\S]*[;}]$/);
    expect(pieces).toContain(
      "export async function load(path: string): Promise<string> {\n  return readFile(path, 'utf8');\n}",
    );
  });

  it('keeps a doc comment with the declaration under it', async () => {
    const source = [
      'export const first = 1;',
      '',
      '/**',
      ' * Adds two numbers.',
      ' */',
      '// eslint-disable-next-line',
      'export function add(a: number, b: number): number {',
      '  return a + b;',
      '}',
    ].join('\n');
    const pieces = await (await textSplitterFor('typescript', 140, 0)).splitText(source);
    expect(pieces).toEqual(['export const first = 1;', source.slice(source.indexOf('/**'))]);
  });

  it('keeps decorators with the Python class under them', async () => {
    const source = 'import dataclasses\n\n\n@dataclasses.dataclass\nclass Point:\n    x: int\n    y: int\n';
    const pieces = await (await textSplitterFor('python', 60, 0)).splitText(source);
    expect(pieces).toEqual([
      'import dataclasses',
      '@dataclasses.dataclass\nclass Point:\n    x: int\n    y: int',
    ]);
  });

  it('cuts prose between sentences, each keeping its full stop', async () => {
    const text = 'Vitamin D is made in the skin. It is also found in fish. Deficiency is common in winter.';
    const pieces = await (await textSplitterFor('text', 60, 0)).splitText(text);
    expect(pieces).toEqual([
      'Vitamin D is made in the skin. It is also found in fish.',
      'Deficiency is common in winter.',
    ]);
  });

  it('returns pieces of the input no longer than the limit, even for a line without spaces', async () => {
    const line = 'x'.repeat(1_000);
    const pieces = await (await textSplitterFor('json', 300, 0)).splitText(line);
    expect(pieces.map((piece) => piece.length)).toEqual([300, 300, 300, 100]);
  });
});
