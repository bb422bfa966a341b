import type { PGliteInterface, Transaction } from '@electric-sql/pglite';
import type { SqlClient } from './sql-client.ts';

/** PostgreSQL's type id of `bigint` (int8). */
const bigintType = 20;

/**
 * PGlite would hand back a `bigint` beyond 2^53 as a BigInt; ids and counts never get there, and every
 * client of {@link SqlClient} promises plain numbers.
 */
const queryOptions = { parsers: { [bigintType]: (value: string) => Number(value) } };

/** What the wrapper uses of a PGlite instance (or of a PGlite worker). */
export type PgliteDatabase = Pick<PGliteInterface, 'query' | 'transaction' | 'close'>;

/**
 * A {@link SqlClient} over PGlite (PostgreSQL compiled to WebAssembly, in this process). PGlite runs one
 * statement at a time and holds every other caller back while a transaction is open. `close()` closes the
 * PGlite instance.
 */
export function createPgliteSqlClient(database: PgliteDatabase): SqlClient {
  return {
    query: (sql, parameters) => queryWith(database, sql, parameters),
    transaction: (work) =>
      database.transaction((transaction) =>
        work({ query: (sql, parameters) => queryWith(transaction, sql, parameters) }),
      ),
    close: () => database.close(),
  };
}

async function queryWith<Row>(
  runner: Pick<Transaction, 'query'>,
  sql: string,
  parameters: readonly unknown[] = [],
): Promise<{ rows: Row[] }> {
  const result = await runner.query<Row>(sql, [...parameters], queryOptions);
  return { rows: result.rows };
}
