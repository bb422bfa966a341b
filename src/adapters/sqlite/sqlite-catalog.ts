import * as fs from 'node:fs';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { duplicateSyncRun } from '../../core/catalog-input/catalog-conflicts.ts';
import { syncRunNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkCount } from '../../core/catalog-input/field-checks.ts';
import { newSyncRunRecord } from '../../core/catalog-input/new-sync-run-record.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type {
  ApiKeyRecord,
  Catalog,
  ConversationRecord,
  CrawlPageRecord,
  CrawlSiteRecord,
  LockAttempt,
  LockHolder,
  MessageRecord,
  NewConversation,
  NewMessage,
  RepoRecord,
  RepoSettings,
  SessionRecord,
  SyncRunRecord,
  UserRecord,
} from '../../core/ports/catalog.ts';
import { SqliteAccounts } from './sqlite-accounts.ts';
import { catalogMigrations } from './sqlite-catalog-migrations.ts';
import {
  lockHolderFromRow,
  lockHolderToRow,
  syncRunFromRow,
  syncRunResultToRow,
  syncRunToRow,
} from './sqlite-catalog-rows.ts';
import { type CatalogStatements, prepareCatalogStatements } from './sqlite-catalog-statements.ts';
import { SqliteConversations } from './sqlite-conversations.ts';
import { SqliteCrawl } from './sqlite-crawl.ts';
import { applySqliteMigrations } from './sqlite-migrations.ts';
import { SqliteRepos } from './sqlite-repos.ts';
import { translateSqliteError } from './translate-sqlite-error.ts';

/** How long a connection waits for another process's write to finish before giving up. */
const busyTimeoutMs = 5_000;

/** Options of {@link createSqliteCatalog}. */
export interface SqliteCatalogOptions {
  /** The database file; its folder is created when missing. */
  path: string;
  /** Source of the current time (stamps applied migrations); the system clock by default. */
  clock?: () => Date;
}

/** A {@link Catalog} kept in one SQLite file, which several processes may open at once. */
export interface SqliteCatalog extends Catalog {
  /** The database file. */
  readonly path: string;
}

/**
 * Opens (creating when missing) the SQLite catalog at `options.path` and brings its schema up to date.
 * The file uses write-ahead logging, and a connection waits up to 5 s for another process's write instead
 * of failing. A file that is not a SQLite database is a `ValidationError` naming it.
 */
export function createSqliteCatalog(options: SqliteCatalogOptions): SqliteCatalog {
  const clock = options.clock ?? (() => new Date());
  const database = openDatabase(options.path);
  try {
    database.pragma('journal_mode = WAL');
    // NORMAL is durable across application crashes in WAL mode and spares an fsync per commit.
    database.pragma('synchronous = NORMAL');
    applySqliteMigrations(database, { scope: 'catalog', migrations: catalogMigrations, clock });
    return new SqliteCatalogStore(database, options.path);
  } catch (error) {
    database.close();
    throw translateSqliteError(error, options.path);
  }
}

function openDatabase(databasePath: string): Database.Database {
  try {
    fs.mkdirSync(path.dirname(databasePath), { recursive: true });
  } catch (error) {
    throw new ValidationError(`Cannot create the folder of the SQLite database ${databasePath}.`, {
      cause: error,
      hint: 'Check that no file stands where a folder of that path should be, and that this user may write there.',
    });
  }
  try {
    return new Database(databasePath, { timeout: busyTimeoutMs });
  } catch (error) {
    throw translateSqliteError(error, databasePath);
  }
}

class SqliteCatalogStore implements SqliteCatalog {
  readonly path: string;
  private readonly database: Database.Database;
  private readonly statements: CatalogStatements;
  private readonly repos: SqliteRepos;
  private readonly conversations: SqliteConversations;
  private readonly accounts: SqliteAccounts;
  private readonly crawl: SqliteCrawl;

  constructor(database: Database.Database, databasePath: string) {
    this.database = database;
    this.path = databasePath;
    this.statements = prepareCatalogStatements(database);
    this.repos = new SqliteRepos(database, this.statements);
    this.conversations = new SqliteConversations(database, this.statements);
    this.accounts = new SqliteAccounts(database);
    this.crawl = new SqliteCrawl(database);
  }

  async addRepo(settings: RepoSettings): Promise<RepoRecord> {
    return this.guard(() => this.repos.add(settings));
  }

  async getRepo(id: string): Promise<RepoRecord | undefined> {
    return this.guard(() => this.repos.get(id));
  }

  async listRepos(): Promise<RepoRecord[]> {
    return this.guard(() => this.repos.list());
  }

  async updateRepo(id: string, changes: Partial<Omit<RepoRecord, 'id'>>): Promise<RepoRecord> {
    return this.guard(() => this.repos.update(id, changes));
  }

  async removeRepo(id: string): Promise<void> {
    this.guard(() => this.repos.remove(id));
  }

  async startSyncRun(run: Pick<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void> {
    this.guard(() => {
      if (this.statements.insertSyncRun.run(syncRunToRow(newSyncRunRecord(run))).changes === 0) {
        throw duplicateSyncRun(run.id);
      }
    });
  }

  async finishSyncRun(id: string, result: Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void> {
    this.guard(() => {
      if (this.statements.finishSyncRun.run(syncRunResultToRow(id, result)).changes === 0) {
        throw syncRunNotFound(id);
      }
    });
  }

  async listSyncRuns(options: { repoId?: string; limit?: number } = {}): Promise<SyncRunRecord[]> {
    const limit = checkCount('sync run limit', options.limit, 'Leave the limit out to list every run.') ?? -1;
    return this.guard(() => {
      const rows =
        options.repoId === undefined
          ? this.statements.selectSyncRuns.all(limit)
          : this.statements.selectSyncRunsOfRepo.all(options.repoId, limit);
      return rows.map(syncRunFromRow);
    });
  }

  async tryLock(resource: string, holder: LockHolder): Promise<LockAttempt> {
    // IMMEDIATE makes check-then-insert one step for every process sharing the file.
    const attempt = this.database.transaction((): LockAttempt => {
      const current = this.statements.selectLock.get(resource);
      if (current !== undefined) return { acquired: false, holder: lockHolderFromRow(current) };
      this.statements.insertLock.run(lockHolderToRow(resource, holder));
      return { acquired: true };
    });
    return this.guard(() => attempt.immediate());
  }

  async releaseLock(resource: string, token: string): Promise<void> {
    this.guard(() => this.statements.deleteLock.run(resource, token));
  }

  async breakLock(resource: string, token: string): Promise<boolean> {
    return this.guard(() => this.statements.deleteLock.run(resource, token).changes === 1);
  }

  async createConversation(conversation: NewConversation): Promise<ConversationRecord> {
    return this.guard(() => this.conversations.create(conversation));
  }

  async getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.guard(() => this.conversations.get(id));
  }

  async listConversations(
    options: { limit?: number; owner?: string | null } = {},
  ): Promise<ConversationRecord[]> {
    return this.guard(() => this.conversations.list(options));
  }

  async listMessages(conversationId: string, options: { lastTurns?: number } = {}): Promise<MessageRecord[]> {
    return this.guard(() => this.conversations.listMessages(conversationId, options));
  }

  async appendMessages(conversationId: string, messages: readonly NewMessage[]): Promise<MessageRecord[]> {
    return this.guard(() => this.conversations.append(conversationId, messages));
  }

  async deleteConversation(id: string): Promise<boolean> {
    return this.guard(() => this.conversations.delete(id));
  }

  async addUser(user: UserRecord): Promise<UserRecord> {
    return this.guard(() => this.accounts.addUser(user));
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.guard(() => this.accounts.getUser(id));
  }

  async listUsers(): Promise<UserRecord[]> {
    return this.guard(() => this.accounts.listUsers());
  }

  async updateUser(
    id: string,
    changes: Partial<Pick<UserRecord, 'role' | 'passwordHash'>>,
  ): Promise<UserRecord> {
    return this.guard(() => this.accounts.updateUser(id, changes));
  }

  async removeUser(id: string): Promise<void> {
    this.guard(() => this.accounts.removeUser(id));
  }

  async addApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    return this.guard(() => this.accounts.addApiKey(key));
  }

  async getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.guard(() => this.accounts.getApiKey(id));
  }

  async listApiKeys(options: { userId?: string } = {}): Promise<ApiKeyRecord[]> {
    return this.guard(() => this.accounts.listApiKeys(options));
  }

  async revokeApiKey(id: string, revokedAt: string): Promise<boolean> {
    return this.guard(() => this.accounts.revokeApiKey(id, revokedAt));
  }

  async touchApiKey(id: string, usedAt: string): Promise<void> {
    this.guard(() => this.accounts.touchApiKey(id, usedAt));
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.guard(() => this.accounts.createSession(session));
  }

  async getSession(id: string, now: string): Promise<SessionRecord | undefined> {
    return this.guard(() => this.accounts.getSession(id, now));
  }

  async deleteSession(id: string): Promise<void> {
    this.guard(() => this.accounts.deleteSession(id));
  }

  async deleteExpiredSessions(now: string): Promise<number> {
    return this.guard(() => this.accounts.deleteExpiredSessions(now));
  }

  async startCrawl(site: { name: string; startUrls: string[] }, startedAt: string): Promise<void> {
    this.guard(() => this.crawl.start(site, startedAt));
  }

  async finishCrawl(name: string, finishedAt: string, summary: Record<string, unknown>): Promise<void> {
    this.guard(() => this.crawl.finish(name, finishedAt, summary));
  }

  async listCrawlSites(): Promise<CrawlSiteRecord[]> {
    return this.guard(() => this.crawl.listSites());
  }

  async getCrawlSite(name: string): Promise<CrawlSiteRecord | undefined> {
    return this.guard(() => this.crawl.getSite(name));
  }

  async getCrawlPage(site: string, url: string): Promise<CrawlPageRecord | undefined> {
    return this.guard(() => this.crawl.getPage(site, url));
  }

  async putCrawlPages(pages: readonly CrawlPageRecord[]): Promise<void> {
    this.guard(() => this.crawl.putPages(pages));
  }

  async deleteCrawlPages(site: string, urls: readonly string[]): Promise<number> {
    return this.guard(() => this.crawl.deletePages(site, urls));
  }

  async removeCrawlSite(name: string): Promise<void> {
    this.guard(() => this.crawl.removeSite(name));
  }

  async close(): Promise<void> {
    if (this.database.open) this.database.close();
  }

  private guard<T>(work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw translateSqliteError(error, this.path);
    }
  }
}
