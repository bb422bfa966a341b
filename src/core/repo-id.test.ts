import { describe, expect, it } from 'vitest';
import { ValidationError } from './errors/index.ts';
import { normalizeRepoId, parseRepoId } from './repo-id.ts';

describe('parseRepoId', () => {
  it('accepts GitHub names and trims a .git suffix', () => {
    expect(parseRepoId('awslabs/aws-solutions-constructs')).toEqual({
      owner: 'awslabs',
      name: 'aws-solutions-constructs',
    });
    expect(normalizeRepoId(' Microsoft/TypeScript.git ')).toBe('Microsoft/TypeScript');
    expect(parseRepoId('a/.github')).toEqual({ owner: 'a', name: '.github' });
  });

  it.each([
    '',
    'owner',
    'a/b/c',
    '/name',
    'owner/',
    '-bad/name',
    'bad-/name',
    'a_b/c',
    'o/..',
    'o/na me',
    '../etc',
  ])('rejects %j with a ValidationError that shows the expected form', (id) => {
    expect(() => parseRepoId(id)).toThrow(ValidationError);
    try {
      parseRepoId(id);
    } catch (error) {
      expect((error as ValidationError).hint).toMatch(/owner\/name/);
    }
  });
});
