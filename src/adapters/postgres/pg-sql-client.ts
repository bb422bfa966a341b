import pg from 'pg';
import { UpstreamError } from '../../core/errors/index.ts';
import type { Redactor } from '../../core/redact.ts';
import type { SqlClient, SqlResult } from './sql-client.ts';
import { isServerError } from './translate-postgres-error.ts';

/** Options of {@link createPgSqlClient}. */
export interface PgSqlClientOptions {
  /** Removes secrets (the password) from the messages of connection failures. */
  redact?: Redactor;
  /** The server as users may see it (`postgres://user@host:5432/db`, no password), for error messages. */
  target?: string;
}

/** PostgreSQL's type id of `bigint` (int8); `pg` returns it as a string unless told otherwise. */
const bigintType = 20;

/** Per-query type parsers, so a pool configured elsewhere still yields numbers for `bigint`. */
const types: pg.CustomTypesConfig = {
  getTypeParser: ((typeId: number, format?: 'text' | 'binary') =>
    typeId === bigintType && format !== 'binary'
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(typeId, format)) as typeof pg.types.getTypeParser,
};

/**
 * A {@link SqlClient} over a `pg` pool. Statements outside a transaction take any free connection; a
 * transaction checks one out for its whole life. Failures to reach the server become `UpstreamError`s
 * whose message and cause carry no password; errors the server reports (with a SQLSTATE) pass through
 * for the caller to translate. `close()` ends the pool.
 */
export function createPgSqlClient(pool: pg.Pool, options: PgSqlClientOptions = {}): SqlClient {
  const redact = options.redact ?? ((text: string) => text);
  const target = options.target ?? 'the configured PostgreSQL server';
  const guard = async <Result>(action: () => Promise<Result>): Promise<Result> => {
    try {
      return await action();
    } catch (error) {
      throw isServerError(error) ? error : connectionFailure(error, target, redact);
    }
  };
  return {
    query: (sql, parameters) => guard(() => run(pool, sql, parameters)),
    transaction: async (work) => {
      const connection = await guard(() => pool.connect());
      let broken: Error | undefined;
      try {
        await guard(() => connection.query('BEGIN'));
        const result = await work({
          query: (sql, parameters) => guard(() => run(connection, sql, parameters)),
        });
        await guard(() => connection.query('COMMIT'));
        return result;
      } catch (error) {
        broken = await rollback(connection);
        throw error;
      } finally {
        // A connection whose rollback failed is in an unknown state: destroy it rather than reuse it.
        connection.release(broken);
      }
    },
    close: () => pool.end(),
  };
}

async function run<Row>(
  runner: pg.Pool | pg.PoolClient,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<SqlResult<Row>> {
  const result = await runner.query({ text: sql, values: [...parameters], types });
  return { rows: result.rows as Row[] };
}

async function rollback(connection: pg.PoolClient): Promise<Error | undefined> {
  try {
    await connection.query('ROLLBACK');
    return undefined;
  } catch (error) {
    return error instanceof Error ? error : new Error(String(error));
  }
}

/**
 * An `UpstreamError` for a server that cannot be reached. The original error is not kept as the cause:
 * some (a bad URL's `TypeError`) carry the whole connection string in their fields.
 */
export function connectionFailure(error: unknown, target: string, redact: Redactor): UpstreamError {
  const message = redact(error instanceof Error ? error.message : String(error));
  const code = (error as { code?: unknown } | null)?.code;
  const cause = Object.assign(new Error(message), typeof code === 'string' ? { code } : {});
  return new UpstreamError(`Cannot reach PostgreSQL at ${target}: ${message}`, {
    cause,
    hint: 'Check the host, port and database in the connection string, and that the server accepts connections from here.',
  });
}
