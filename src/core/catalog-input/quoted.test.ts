import { describe, expect, it } from 'vitest';
import { quoted } from './quoted.ts';

describe('quoted', () => {
  it('shows a value as its JSON text, and what JSON cannot show as text', () => {
    expect(quoted('admin')).toBe('"admin"');
    expect(quoted(42)).toBe('42');
    expect(quoted(undefined)).toBe('undefined');
  });

  it('cuts a long value to 80 characters', () => {
    const shown = quoted('x'.repeat(200));
    expect(shown).toHaveLength(80);
    expect(shown.endsWith('...')).toBe(true);
  });
});
