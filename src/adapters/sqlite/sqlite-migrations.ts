import type Database from 'better-sqlite3';
import { ValidationError } from '../../core/errors/index.ts';

/** One schema change, applied once per database, in version order. */
export interface SqliteMigration {
  /** 1 for the first migration of a scope, then 2, 3, ... with no gaps. */
  version: number;
  /** A few words saying what the migration adds, kept in `schema_migrations` for people reading it. */
  name: string;
  /** Statements run in one transaction together with the bookkeeping row. */
  sql: string;
}

/** Options of {@link applySqliteMigrations}. */
export interface ApplySqliteMigrationsOptions {
  /** Names the set of tables the migrations manage (e.g. `catalog`), so several sets can share one file. */
  scope: string;
  migrations: readonly SqliteMigration[];
  /** Stamps `applied_at`. */
  clock: () => Date;
}

const bookkeepingTable = `
  CREATE TABLE IF NOT EXISTS schema_migrations (
    scope TEXT NOT NULL,
    version INTEGER NOT NULL,
    name TEXT NOT NULL,
    applied_at TEXT NOT NULL,
    PRIMARY KEY (scope, version)
  ) STRICT`;

/**
 * Brings the tables of one scope up to its newest migration and returns the versions it applied (none
 * when the schema was current). Safe on every open and from several processes at once: the check and
 * the changes run in one write transaction, so a migration is never applied twice. A database whose
 * schema is newer than the migrations known here is a `ValidationError` rather than something to guess at.
 */
export function applySqliteMigrations(
  database: Database.Database,
  options: ApplySqliteMigrationsOptions,
): number[] {
  assertNumberedInOrder(options.scope, options.migrations);
  const migrate = database.transaction(() => {
    database.exec(bookkeepingTable);
    const current = currentVersion(database, options.scope);
    const latest = options.migrations.at(-1)?.version ?? 0;
    if (current > latest) {
      throw new ValidationError(
        `The ${options.scope} schema in ${database.name} is version ${current}, newer than this Quarry knows (${latest}).`,
        { hint: 'Upgrade Quarry, or point it at a different database file.' },
      );
    }
    const record = database.prepare(
      'INSERT INTO schema_migrations (scope, version, name, applied_at) VALUES (?, ?, ?, ?)',
    );
    const pending = options.migrations.filter((migration) => migration.version > current);
    for (const migration of pending) {
      database.exec(migration.sql);
      record.run(options.scope, migration.version, migration.name, options.clock().toISOString());
    }
    return pending.map((migration) => migration.version);
  });
  return migrate.immediate();
}

function currentVersion(database: Database.Database, scope: string): number {
  const row = database
    .prepare<[string], { version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations WHERE scope = ?',
    )
    .get(scope);
  return row?.version ?? 0;
}

function assertNumberedInOrder(scope: string, migrations: readonly SqliteMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new ValidationError(
        `Migration "${migration.name}" of scope ${scope} has version ${migration.version}, expected ${index + 1}.`,
        { hint: 'Number the migrations of a scope 1, 2, 3, ... in the order they must run.' },
      );
    }
  });
}
