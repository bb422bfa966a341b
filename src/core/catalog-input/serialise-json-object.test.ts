import { describe, expect, it } from 'vitest';
import { ValidationError } from '../errors/index.ts';
import { serialiseJsonObject } from './serialise-json-object.ts';

const words = { refusal: 'The metadata must be a plain object.', hint: 'Keep it to JSON.' };

describe('serialiseJsonObject', () => {
  it('gives the JSON text of a plain object', () => {
    expect(serialiseJsonObject({ a: [1, 'b'], c: null }, words)).toBe('{"a":[1,"b"],"c":null}');
  });

  it('refuses what JSON cannot store or what is not an object, with the given words', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [cyclic, { big: 1n }, [1], 'text', undefined, { toJSON: () => 3 }]) {
      expect(() => serialiseJsonObject(value, words)).toThrow(ValidationError);
      expect(() => serialiseJsonObject(value, words)).toThrow(words.refusal);
    }
  });
});
