import type Database from 'better-sqlite3';
import { duplicateRepo } from '../../core/catalog-input/catalog-conflicts.ts';
import { repoNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { newRepoRecord } from '../../core/catalog-input/new-repo-record.ts';
import type { RepoRecord, RepoSettings } from '../../core/ports/catalog.ts';
import { repoFromRow, repoToRow } from './sqlite-catalog-rows.ts';
import type { CatalogStatements } from './sqlite-catalog-statements.ts';

/**
 * The repository records of the SQLite catalog. Methods are synchronous and throw raw SQLite errors; the
 * catalog runs them inside its error translation, like its own methods.
 */
export class SqliteRepos {
  private readonly database: Database.Database;
  private readonly statements: CatalogStatements;

  constructor(database: Database.Database, statements: CatalogStatements) {
    this.database = database;
    this.statements = statements;
  }

  /** See `Catalog.addRepo`. */
  add(settings: RepoSettings): RepoRecord {
    const record = newRepoRecord(settings);
    if (this.statements.insertRepo.run(repoToRow(record)).changes === 0) {
      const existing = this.statements.selectRepo.get(settings.id);
      throw duplicateRepo(existing?.id ?? settings.id);
    }
    return record;
  }

  /** See `Catalog.getRepo`. */
  get(id: string): RepoRecord | undefined {
    const row = this.statements.selectRepo.get(id);
    return row === undefined ? undefined : repoFromRow(row);
  }

  /** See `Catalog.listRepos`. */
  list(): RepoRecord[] {
    return this.statements.selectRepos.all().map(repoFromRow);
  }

  /** See `Catalog.updateRepo`. */
  update(id: string, changes: Partial<Omit<RepoRecord, 'id'>>): RepoRecord {
    // IMMEDIATE takes the write lock before reading, so a concurrent update cannot slip in between.
    const update = this.database.transaction(() => {
      const row = this.statements.selectRepo.get(id);
      if (row === undefined) throw repoNotFound(id);
      const record = withChanges(repoFromRow(row), changes);
      this.statements.updateRepo.run(repoToRow(record));
      return record;
    });
    return update.immediate();
  }

  /** See `Catalog.removeRepo`. */
  remove(id: string): void {
    if (this.statements.deleteRepo.run(id).changes === 0) throw repoNotFound(id);
  }
}

/** Applies only the fields present in `changes`; the id never changes. */
function withChanges(record: RepoRecord, changes: Partial<Omit<RepoRecord, 'id'>>): RepoRecord {
  const next: RepoRecord = { ...record };
  for (const [field, value] of Object.entries(changes)) {
    if (value !== undefined && field !== 'id' && Object.hasOwn(record, field)) {
      Object.assign(next, { [field]: value });
    }
  }
  return next;
}
