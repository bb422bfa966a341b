import { describe, expect, it } from 'vitest';
import { repositoryChoice, scopeFromChoice, sourceChoice } from './knowledge-scope.ts';

describe('knowledge scope', () => {
  it('round-trips selector values to the scope sent to the server', () => {
    expect(scopeFromChoice('')).toBeUndefined();
    expect(scopeFromChoice(repositoryChoice('honojs/hono'))).toEqual({ repo: 'honojs/hono' });
    expect(scopeFromChoice(sourceChoice('docs:aws'))).toEqual({ source: 'docs:aws' });
  });
});
