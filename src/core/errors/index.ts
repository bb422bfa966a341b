export { ConflictError } from './conflict-error.ts';
export { LimitExceededError } from './limit-exceeded-error.ts';
export { NotFoundError } from './not-found-error.ts';
export { QuarryError, type QuarryErrorOptions } from './quarry-error.ts';
export { RetryableError } from './retryable-error.ts';
export { UnsafeInputError } from './unsafe-input-error.ts';
export { UpstreamError } from './upstream-error.ts';
export { ValidationError } from './validation-error.ts';
