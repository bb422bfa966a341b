import type Database from 'better-sqlite3';
import { ConflictError, NotFoundError } from '../../core/errors/index.ts';
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
      throw new ConflictError(`Repository ${existing?.id ?? settings.id} is already in the catalog.`, {
        hint: 'Change its settings instead of adding it again, or remove it first.',
      });
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

function newRepoRecord(settings: RepoSettings): RepoRecord {
  return {
    id: settings.id,
    enabled: settings.enabled,
    ignoreFile: settings.ignoreFile,
    track: settings.track,
    asset: settings.asset,
    version: null,
    modified: null,
    lastCheckedAt: null,
    etag: null,
    status: null,
    error: null,
    files: 0,
    bytes: 0,
    origin: settings.origin,
  };
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

function repoNotFound(id: string): NotFoundError {
  return new NotFoundError(`Repository ${id} is not in the catalog.`, {
    hint: 'List the watched repositories to check the name, or add it first.',
  });
}
