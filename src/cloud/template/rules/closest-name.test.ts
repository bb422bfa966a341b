import { describe, expect, it } from 'vitest';
import { closestName, suggestion } from './closest-name.ts';

describe('closestName', () => {
  it('finds a typo, ignoring letter case', () => {
    expect(closestName('MyBuket', ['MyBucket', 'MyQueue'])).toBe('MyBucket');
    expect(closestName('mybucket', ['MyBucket'])).toBe('MyBucket');
    expect(closestName('Arnn', ['Arn', 'DomainName'])).toBe('Arn');
  });

  it('suggests nothing when every candidate is too far off', () => {
    expect(closestName('Database', ['MyBucket', 'Queue'])).toBeUndefined();
    expect(closestName('X', [])).toBeUndefined();
  });

  it('writes a hint or the fallback', () => {
    expect(suggestion('Enviroment', ['Environment'], 'fix it.')).toBe("did you mean 'Environment'?");
    expect(suggestion('Zzz', ['Environment'], 'fix it.')).toBe('fix it.');
  });
});
