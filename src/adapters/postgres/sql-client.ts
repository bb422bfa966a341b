/** Rows a statement returned. */
export interface SqlResult<Row> {
  rows: Row[];
}

/**
 * Runs one SQL statement with `$1`, `$2`, ... placeholders. Implementations hand back 64-bit integers
 * (`bigint` ids, `count(*)`) as JavaScript numbers, so callers read the same row shapes from every driver.
 */
export interface SqlQueryable {
  query<Row>(sql: string, parameters?: readonly unknown[]): Promise<SqlResult<Row>>;
}

/**
 * The little the PostgreSQL adapters need from a database driver, so that a `pg` pool (production) and
 * PGlite (tests, embedded) can drive the same code.
 */
export interface SqlClient extends SqlQueryable {
  /**
   * Runs `work` in one transaction on one connection: committed when `work` resolves, rolled back when it
   * throws (the error is then re-thrown). Statements of the transaction must go through the argument.
   */
  transaction<Result>(work: (transaction: SqlQueryable) => Promise<Result>): Promise<Result>;
  /** Releases the connections; the client cannot be used afterwards. */
  close(): Promise<void>;
}
