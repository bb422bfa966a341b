import { ConflictError, RetryableError, UpstreamError, ValidationError } from '../../core/errors/index.ts';

/** An error the PostgreSQL server reported: it carries a five-character SQLSTATE and a severity. */
export type ServerError = Error & { code: string };

/** True for an error the server sent, as opposed to a network failure or a bug in the caller. */
export function isServerError(error: unknown): error is ServerError {
  if (!(error instanceof Error)) return false;
  const fields = error as Error & { code?: unknown; severity?: unknown };
  return typeof fields.code === 'string' && typeof fields.severity === 'string';
}

/** SQLSTATEs of failures that may pass if the same work is tried again a little later. */
const transientStates = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available
  '57014', // query_canceled (statement_timeout)
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '42P01', // undefined_table: a vector space's table dropped by a concurrent switch
]);

/**
 * Turns an error the PostgreSQL server reported into the Quarry error that says what went wrong and what
 * to do. Anything else (Quarry errors, connection failures the client already translated) and server
 * errors that point at a bug rather than at the data or the server pass through unchanged. Server
 * messages hold no credentials.
 */
export function translatePostgresError(error: unknown): unknown {
  // Checked before anything else: the drivers' errors carry a `hint` field, which `QuarryError.is` takes
  // for the mark of a Quarry error.
  if (!isServerError(error)) return error;
  const options = { cause: error };
  const { code, message } = error;
  const sqlClass = code.slice(0, 2);
  if (code === '23505') {
    return new ConflictError('A record with the same key is already in the PostgreSQL search index.', {
      ...options,
      hint: 'Read the existing record and change it instead of adding it again.',
    });
  }
  if (sqlClass === '28') {
    return new UpstreamError(`PostgreSQL refused the login: ${message}.`, {
      ...options,
      hint: 'Check the user name and password in the connection string (knowledge.index).',
    });
  }
  if (code === '3D000') {
    return new UpstreamError(`PostgreSQL has no such database: ${message}.`, {
      ...options,
      hint: 'Create the database (createdb), or fix its name at the end of the connection string.',
    });
  }
  if ((code === '0A000' || code === '58P01') && /extension/i.test(message)) {
    return new UpstreamError(`PostgreSQL cannot load the pgvector extension: ${message}.`, {
      ...options,
      hint: 'Install pgvector on the server (Amazon Aurora and RDS include it), then run CREATE EXTENSION vector as an administrator.',
    });
  }
  if (code === '42501') {
    return new UpstreamError(`PostgreSQL denied a privilege Quarry needs: ${message}.`, {
      ...options,
      hint: 'Grant the user CREATE on the database schema, and have an administrator run CREATE EXTENSION vector once.',
    });
  }
  if (code === '2201B') {
    return new ValidationError(`PostgreSQL cannot match the path glob: ${message}.`, {
      ...options,
      hint: 'Use a simpler glob, such as src/**/*.ts.',
    });
  }
  if (code === '54000') {
    return new ValidationError(`A value is too large for PostgreSQL: ${message}.`, {
      ...options,
      hint: 'Index smaller chunks (knowledge.chunkCharacters).',
    });
  }
  if (sqlClass === '22' || sqlClass === '23') {
    return new ValidationError(`A value was refused by PostgreSQL: ${message}.`, {
      ...options,
      hint: 'Check the value against the field types of the record.',
    });
  }
  if (transientStates.has(code) || sqlClass === '08' || sqlClass === '53') {
    return new RetryableError(`PostgreSQL could not finish the operation: ${message}.`, {
      ...options,
      hint: 'Try again in a moment.',
    });
  }
  return error;
}
