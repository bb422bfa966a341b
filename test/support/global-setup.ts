import { loadTestSpecification } from './spec-cache.ts';

/** Runs once before any test file: builds the shared specification cache (see `spec-cache.ts`). */
export default async function setup(): Promise<void> {
  await loadTestSpecification();
}
