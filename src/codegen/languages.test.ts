import { describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { findLanguage, resolveLanguage, supportedLanguageNames, supportedLanguages } from './languages.ts';

describe('resolveLanguage', () => {
  it.each([
    ['python', 'python', 'py'],
    ['typescript', 'typescript', 'ts'],
    ['javascript', 'javascript', 'js'],
    ['go', 'go', 'go'],
    ['rust', 'rust', 'rs'],
    ['java', 'java', 'java'],
    ['csharp', 'csharp', 'cs'],
    ['cpp', 'cpp', 'cpp'],
    ['c', 'c', 'c'],
    ['ruby', 'ruby', 'rb'],
    ['php', 'php', 'php'],
    ['kotlin', 'kotlin', 'kt'],
    ['swift', 'swift', 'swift'],
    ['shell', 'shell', 'sh'],
    ['sql', 'sql', 'sql'],
    ['yaml', 'yaml', 'yaml'],
    ['terraform', 'terraform', 'tf'],
    ['haskell', 'haskell', 'hs'],
    ['elixir', 'elixir', 'ex'],
    ['powershell', 'powershell', 'ps1'],
    ['markdown', 'markdown', 'md'],
    ['dockerfile', 'dockerfile', 'dockerfile'],
  ])('knows %s (extension %s)', (input, name, extension) => {
    expect(resolveLanguage(input)).toMatchObject({ name, extension });
  });

  it.each([
    ['Bash', 'shell'],
    ['zsh', 'shell'],
    ['C#', 'csharp'],
    ['cs', 'csharp'],
    ['C++', 'cpp'],
    ['JS', 'javascript'],
    ['ts', 'typescript'],
    ['py', 'python'],
    ['golang', 'go'],
    ['hcl', 'terraform'],
    ['yml', 'yaml'],
    ['  PYTHON  ', 'python'],
  ])('accepts the alias %j case-insensitively', (alias, name) => {
    expect(resolveLanguage(alias).name).toBe(name);
  });

  it('lists the canonical name first among the fence words', () => {
    expect(resolveLanguage('bash').fences).toEqual(['shell', 'sh', 'bash', 'zsh', 'shellscript']);
  });

  it.each(['cobol', '', '   '])('refuses %j, listing the supported names and --language', (name) => {
    const error = catchError(() => resolveLanguage(name));
    expect(error).toBeInstanceOf(ValidationError);
    const { message, hint } = error as ValidationError;
    expect(message).toContain('python, r, ruby, rust');
    expect(hint).toMatch(/^Use --language with one of: .*typescript/);
  });

  it('names the unknown language in the message', () => {
    expect(() => resolveLanguage('Cobol')).toThrow(/"Cobol" is not supported/);
    expect(() => resolveLanguage('')).toThrow(/No language was given/);
  });
});

describe('supportedLanguages', () => {
  it('gives every alias exactly one language', () => {
    const fences = supportedLanguages.flatMap((language) => language.fences);
    expect(new Set(fences).size).toBe(fences.length);
  });

  it('uses lowercase, key-safe extensions', () => {
    for (const language of supportedLanguages) expect(language.extension).toMatch(/^[a-z0-9]+$/);
  });

  it('lists names sorted and findLanguage never throws', () => {
    const names = supportedLanguageNames();
    expect(names).toEqual([...names].sort());
    expect(findLanguage('nope')).toBeUndefined();
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
