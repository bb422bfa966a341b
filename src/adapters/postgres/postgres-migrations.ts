import { ValidationError } from '../../core/errors/index.ts';
import type { SqlClient, SqlQueryable } from './sql-client.ts';
import { takeWriteLock } from './take-write-lock.ts';

/** One schema change, applied once per set of tables, in version order. */
export interface PostgresMigration {
  /** 1 for the first migration, then 2, 3, ... with no gaps. */
  version: number;
  /** A few words saying what the migration adds, kept in the bookkeeping table for people reading it. */
  name: string;
  /** Statements run one by one, in one transaction together with the bookkeeping row. */
  statements: readonly string[];
}

/** Options of {@link applyPostgresMigrations}. */
export interface ApplyPostgresMigrationsOptions {
  /** The bookkeeping table (an already validated identifier), e.g. `quarry_search_migrations`. */
  table: string;
  /** Names the advisory lock that keeps two processes from migrating the same tables at once. */
  lockName: string;
  migrations: readonly PostgresMigration[];
  /** Stamps `applied_at`. */
  clock: () => Date;
}

/**
 * Brings a set of tables up to its newest migration and returns the versions it applied (none when the
 * schema was current). Safe on every start and from several processes at once: an advisory lock and one
 * transaction around the check and the changes mean a migration is applied exactly once, or not at all.
 * A schema newer than the migrations known here is a `ValidationError` rather than something to guess at.
 */
export async function applyPostgresMigrations(
  client: SqlClient,
  options: ApplyPostgresMigrationsOptions,
): Promise<number[]> {
  assertNumberedInOrder(options.migrations);
  return client.transaction(async (transaction) => {
    await takeWriteLock(transaction, options.lockName);
    await transaction.query(
      `CREATE TABLE IF NOT EXISTS ${options.table} (
         version integer PRIMARY KEY,
         name text NOT NULL,
         applied_at timestamptz NOT NULL
       )`,
    );
    const current = await currentVersion(transaction, options.table);
    const latest = options.migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new ValidationError(
        `The schema recorded in ${options.table} is version ${current}, newer than this Quarry knows (${latest}).`,
        { hint: 'Upgrade Quarry, or give this index another table prefix.' },
      );
    }
    const pending = options.migrations.filter((migration) => migration.version > current);
    for (const migration of pending) {
      for (const statement of migration.statements) await transaction.query(statement);
      await transaction.query(
        `INSERT INTO ${options.table} (version, name, applied_at) VALUES ($1::integer, $2::text, $3::timestamptz)`,
        [migration.version, migration.name, options.clock().toISOString()],
      );
    }
    return pending.map((migration) => migration.version);
  });
}

async function currentVersion(transaction: SqlQueryable, table: string): Promise<number> {
  const { rows } = await transaction.query<{ version: number | null }>(
    `SELECT max(version) AS version FROM ${table}`,
  );
  return rows[0]?.version ?? 0;
}

function assertNumberedInOrder(migrations: readonly PostgresMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new ValidationError(
        `Migration "${migration.name}" has version ${migration.version}, expected ${index + 1}.`,
        { hint: 'Number the migrations 1, 2, 3, ... in the order they must run.' },
      );
    }
  });
}
