import Database from 'better-sqlite3';
import { ConflictError, QuarryError, RetryableError, ValidationError } from '../../core/errors/index.ts';

/**
 * Turns a better-sqlite3 failure on the database file `databasePath` into the Quarry error that says what
 * went wrong and what to do. Quarry errors and failures SQLite did not report pass through unchanged.
 */
export function translateSqliteError(error: unknown, databasePath: string): unknown {
  if (QuarryError.is(error) || !(error instanceof Database.SqliteError)) return error;
  const options = { cause: error };
  const code = error.code;
  if (code === 'SQLITE_NOTADB') {
    return new ValidationError(`The file ${databasePath} is not a SQLite database.`, {
      ...options,
      hint: 'Move that file aside, or point Quarry at another path (QUARRY_HOME), so it can create its database.',
    });
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new ValidationError(`The SQLite database ${databasePath} is damaged.`, {
      ...options,
      hint: 'Restore it from a backup, or move it aside so Quarry starts a new one.',
    });
  }
  if (code.startsWith('SQLITE_CANTOPEN')) {
    return new ValidationError(`Cannot open the SQLite database ${databasePath}.`, {
      ...options,
      hint: 'Check that the path names a file, not a folder, in a folder this user can write.',
    });
  }
  if (code.startsWith('SQLITE_READONLY')) {
    return new ValidationError(`The SQLite database ${databasePath} cannot be written.`, {
      ...options,
      hint: 'Check the permissions of the file and of the folder that holds it.',
    });
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new RetryableError(`The SQLite database ${databasePath} stayed locked by another process.`, {
      ...options,
      hint: 'Try again when the other Quarry process has finished.',
    });
  }
  if (code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE') {
    return new ConflictError(
      `A record with the same key is already in the SQLite database ${databasePath}.`,
      {
        ...options,
        hint: 'Read the existing record and change it instead of adding it again.',
      },
    );
  }
  if (code.startsWith('SQLITE_CONSTRAINT')) {
    return new ValidationError(
      `A value was refused by the SQLite database ${databasePath}: ${error.message}.`,
      {
        ...options,
        hint: 'Check the value against the field types of the record.',
      },
    );
  }
  return error;
}
