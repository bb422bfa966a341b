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
import type { DynamoDbAccounts } from './dynamodb-accounts.ts';
import type { DynamoDbApiKeys } from './dynamodb-api-keys.ts';
import type { DynamoDbClients } from './dynamodb-client.ts';
import type { DynamoDbConversations } from './dynamodb-conversations.ts';
import type { DynamoDbCrawl } from './dynamodb-crawl.ts';
import type { DynamoDbLocks } from './dynamodb-locks.ts';
import type { DynamoDbRepositories } from './dynamodb-repositories.ts';
import type { DynamoDbSessions } from './dynamodb-sessions.ts';
import type { DynamoDbSyncRuns } from './dynamodb-sync-runs.ts';
import { isDynamoDbFailure, translateDynamoDbError } from './translate-dynamodb-error.ts';

/** The parts the catalog is composed of, one per record kind, and what they share. */
export interface CatalogParts {
  clients: DynamoDbClients;
  /** Checks (or creates) the tables; memoised, and retried after a failure. */
  ensureTables: () => Promise<void>;
  repositories: DynamoDbRepositories;
  syncRuns: DynamoDbSyncRuns;
  locks: DynamoDbLocks;
  conversations: DynamoDbConversations;
  accounts: DynamoDbAccounts;
  apiKeys: DynamoDbApiKeys;
  sessions: DynamoDbSessions;
  crawl: DynamoDbCrawl;
}

/**
 * The `Catalog` the DynamoDB adapter returns: each method makes sure the tables are ready, then hands the
 * work to the part that owns the record kind. Nothing here decides anything about the records.
 */
export class DynamoDbCatalogStore implements Catalog {
  private readonly parts: CatalogParts;
  private closed = false;

  constructor(parts: CatalogParts) {
    this.parts = parts;
  }

  addRepo(settings: RepoSettings): Promise<RepoRecord> {
    return this.run(() => this.parts.repositories.add(settings));
  }

  getRepo(id: string): Promise<RepoRecord | undefined> {
    return this.run(() => this.parts.repositories.get(id));
  }

  listRepos(): Promise<RepoRecord[]> {
    return this.run(() => this.parts.repositories.list());
  }

  updateRepo(id: string, changes: Partial<Omit<RepoRecord, 'id'>>): Promise<RepoRecord> {
    return this.run(() => this.parts.repositories.update(id, changes));
  }

  removeRepo(id: string): Promise<void> {
    return this.run(() => this.parts.repositories.remove(id));
  }

  startSyncRun(run: Pick<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void> {
    return this.run(() => this.parts.syncRuns.start(run));
  }

  finishSyncRun(id: string, result: Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void> {
    return this.run(() => this.parts.syncRuns.finish(id, result));
  }

  listSyncRuns(options?: { repoId?: string; limit?: number }): Promise<SyncRunRecord[]> {
    return this.run(() => this.parts.syncRuns.list(options));
  }

  tryLock(resource: string, holder: LockHolder): Promise<LockAttempt> {
    return this.run(() => this.parts.locks.tryLock(resource, holder));
  }

  releaseLock(resource: string, token: string): Promise<void> {
    return this.run(() => this.parts.locks.release(resource, token));
  }

  breakLock(resource: string, token: string): Promise<boolean> {
    return this.run(() => this.parts.locks.breakLock(resource, token));
  }

  createConversation(conversation: NewConversation): Promise<ConversationRecord> {
    return this.run(() => this.parts.conversations.create(conversation));
  }

  getConversation(id: string): Promise<ConversationRecord | undefined> {
    return this.run(() => this.parts.conversations.get(id));
  }

  listConversations(options?: { limit?: number; owner?: string | null }): Promise<ConversationRecord[]> {
    return this.run(() => this.parts.conversations.list(options));
  }

  listMessages(conversationId: string, options?: { lastTurns?: number }): Promise<MessageRecord[]> {
    return this.run(() => this.parts.conversations.listMessages(conversationId, options));
  }

  appendMessages(conversationId: string, messages: readonly NewMessage[]): Promise<MessageRecord[]> {
    return this.run(() => this.parts.conversations.append(conversationId, messages));
  }

  deleteConversation(id: string): Promise<boolean> {
    return this.run(() => this.parts.conversations.delete(id));
  }

  addUser(user: UserRecord): Promise<UserRecord> {
    return this.run(() => this.parts.accounts.addUser(user));
  }

  getUser(id: string): Promise<UserRecord | undefined> {
    return this.run(() => this.parts.accounts.getUser(id));
  }

  listUsers(): Promise<UserRecord[]> {
    return this.run(() => this.parts.accounts.listUsers());
  }

  updateUser(id: string, changes: Partial<Pick<UserRecord, 'role' | 'passwordHash'>>): Promise<UserRecord> {
    return this.run(() => this.parts.accounts.updateUser(id, changes));
  }

  removeUser(id: string): Promise<void> {
    return this.run(() => this.parts.accounts.removeUser(id));
  }

  addApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    return this.run(() => this.parts.apiKeys.add(key));
  }

  getApiKey(id: string): Promise<ApiKeyRecord | undefined> {
    return this.run(() => this.parts.apiKeys.get(id));
  }

  listApiKeys(options?: { userId?: string }): Promise<ApiKeyRecord[]> {
    return this.run(() => this.parts.apiKeys.list(options));
  }

  revokeApiKey(id: string, revokedAt: string): Promise<boolean> {
    return this.run(() => this.parts.apiKeys.revoke(id, revokedAt));
  }

  touchApiKey(id: string, usedAt: string): Promise<void> {
    return this.run(() => this.parts.apiKeys.touch(id, usedAt));
  }

  createSession(session: SessionRecord): Promise<void> {
    return this.run(() => this.parts.sessions.create(session));
  }

  getSession(id: string, now: string): Promise<SessionRecord | undefined> {
    return this.run(() => this.parts.sessions.get(id, now));
  }

  deleteSession(id: string): Promise<void> {
    return this.run(() => this.parts.sessions.delete(id));
  }

  deleteExpiredSessions(now: string): Promise<number> {
    return this.run(() => this.parts.sessions.deleteExpired(now));
  }

  startCrawl(site: { name: string; startUrls: string[] }, startedAt: string): Promise<void> {
    return this.run(() => this.parts.crawl.start(site, startedAt));
  }

  finishCrawl(name: string, finishedAt: string, summary: Record<string, unknown>): Promise<void> {
    return this.run(() => this.parts.crawl.finish(name, finishedAt, summary));
  }

  listCrawlSites(): Promise<CrawlSiteRecord[]> {
    return this.run(() => this.parts.crawl.listSites());
  }

  getCrawlSite(name: string): Promise<CrawlSiteRecord | undefined> {
    return this.run(() => this.parts.crawl.getSite(name));
  }

  getCrawlPage(site: string, url: string): Promise<CrawlPageRecord | undefined> {
    return this.run(() => this.parts.crawl.getPage(site, url));
  }

  putCrawlPages(pages: readonly CrawlPageRecord[]): Promise<void> {
    return this.run(() => this.parts.crawl.putPages(pages));
  }

  deleteCrawlPages(site: string, urls: readonly string[]): Promise<number> {
    return this.run(() => this.parts.crawl.deletePages(site, urls));
  }

  removeCrawlSite(name: string): Promise<void> {
    return this.run(() => this.parts.crawl.removeSite(name));
  }

  /** Destroys the client the catalog made (a client given in the options stays the caller's); idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.parts.clients.owned) this.parts.clients.client.destroy();
  }

  private async run<Result>(work: () => Promise<Result>): Promise<Result> {
    if (this.closed) {
      throw new ValidationError('The DynamoDB catalog is closed.', {
        hint: 'Open a new catalog; a closed one makes no more requests.',
      });
    }
    try {
      await this.parts.ensureTables();
      return await work();
    } catch (error) {
      // Parts translate what they send; a client failing before it sends (no credentials) lands here.
      throw isDynamoDbFailure(error) ? translateDynamoDbError(error, { action: 'use the catalog' }) : error;
    }
  }
}
