import { describe, expect, it } from 'vitest';
import { isMinified } from './is-minified.ts';

const minifiedBundle = `!function(e,t){"use strict";${'var a=function(n){return n*2},b=[1,2,3].map(a);'.repeat(120)}}(this);`;

const readableCode = Array.from(
  { length: 200 },
  (_, index) => `export function double${index}(value: number): number {\n  return value * 2;\n}\n`,
).join('\n');

describe('isMinified', () => {
  it('recognises a one-line bundle', () => {
    expect(minifiedBundle.length).toBeGreaterThan(5_000);
    expect(isMinified(minifiedBundle)).toBe(true);
    expect(isMinified(minifiedBundle, 'javascript')).toBe(true);
  });

  it('recognises files whose lines are very long on average', () => {
    const packed = Array.from({ length: 6 }, () => 'a=1;b=2;c=3;'.repeat(60)).join('\n');
    expect(packed.length).toBeGreaterThan(2_048);
    expect(isMinified(packed, 'css')).toBe(true);
  });

  it('accepts readable code', () => {
    expect(isMinified(readableCode, 'typescript')).toBe(false);
  });

  it('accepts short files whatever their line length', () => {
    expect(isMinified('x'.repeat(1_500))).toBe(false);
  });

  it('accepts prose with long unwrapped paragraphs', () => {
    const paragraph = 'Quarry keeps the documentation a team depends on fresh and searchable. '.repeat(90);
    const markdown = `# Notes\n\n${paragraph}\n\n${paragraph}\n`;
    expect(isMinified(markdown, 'markdown')).toBe(false);
    expect(isMinified(markdown, 'text')).toBe(false);
  });

  it('still rejects a text file that is one blob without spaces', () => {
    const blob = 'QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo='.repeat(300);
    expect(isMinified(blob, 'text')).toBe(true);
  });
});
