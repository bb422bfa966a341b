import { describe, expect, it } from 'vitest';
import { boundedEditDistance, closestName, suggestion } from './closest-name.ts';

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

  it('finds the first of equally close candidates, and an exact match at once', () => {
    expect(closestName('Bucket1', ['Bucket2', 'Bucket3'])).toBe('Bucket2');
    expect(closestName('Bucket12', ['Bucket1', 'bucket12', 'Bucket12'])).toBe('bucket12');
  });
});

/** The full-table distance the bounded one must agree with wherever it answers. */
function referenceDistance(left: string, right: string): number {
  const table = Array.from({ length: left.length + 1 }, (_, row) =>
    Array.from({ length: right.length + 1 }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  for (let row = 1; row <= left.length; row += 1) {
    for (let column = 1; column <= right.length; column += 1) {
      const cost = left[row - 1] === right[column - 1] ? 0 : 1;
      const cells = [
        (table[row - 1]?.[column - 1] ?? 0) + cost,
        (table[row - 1]?.[column] ?? 0) + 1,
        (table[row]?.[column - 1] ?? 0) + 1,
      ];
      const swapped =
        row > 1 && column > 1 && left[row - 1] === right[column - 2] && left[row - 2] === right[column - 1];
      if (swapped) cells.push((table[row - 2]?.[column - 2] ?? 0) + 1);
      const current = table[row];
      if (current) current[column] = Math.min(...cells);
    }
  }
  return table[left.length]?.[right.length] ?? 0;
}

describe('boundedEditDistance', () => {
  it('agrees with the full table up to the limit and gives up past it', () => {
    // A fixed pseudo-random sequence over a small alphabet, so near misses, swaps and repeats all occur.
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const word = () =>
      Array.from({ length: Math.floor(random() * 9) }, () => 'abc'[Math.floor(random() * 3)]).join('');
    for (let trial = 0; trial < 3000; trial += 1) {
      const [left, right, limit] = [word(), word(), Math.floor(random() * 4)];
      const expected = referenceDistance(left, right);
      expect(boundedEditDistance(left, right, limit), `${left} ${right} ${limit}`).toBe(
        expected <= limit ? expected : undefined,
      );
    }
  });
});
