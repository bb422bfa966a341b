import { ValidationError } from '../../core/errors/index.ts';

/** pgvector's text form of a vector, `[0.1,0.2,0.3]`, the one way to pass it without the `pgvector` package. */
export function vectorLiteral(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

/**
 * Checks the size and values of every vector for `space` before anything is written, so one bad vector
 * rejects the whole write with a clear message (pgvector would refuse NaN and infinities less clearly).
 */
export function assertVectors(space: { key: string; dimensions: number }, values: Float32Array[]): void {
  for (const vector of values) {
    if (vector.length !== space.dimensions) {
      throw new ValidationError(
        `A vector for space ${space.key} has ${vector.length} dimensions, expected ${space.dimensions}.`,
      );
    }
    if (!vector.every(Number.isFinite)) {
      throw new ValidationError(`A vector for space ${space.key} holds a value that is not a finite number.`);
    }
  }
}
