/** How a repository's versions are found. */
export type TrackMode = 'releases' | 'tags';

/** Outcome of checking one repository. */
export type SyncStatus = 'updated' | 'unchanged' | 'no-release' | 'failed';

/** Who manages a catalog entry: the config file (`sync.repos`, or the defaults) or the CLI/API. */
export type RepoOrigin = 'config' | 'user';

/** One watched GitHub repository. */
export interface RepoRecord {
  /** `owner/name`, as the user spelled it (lookups ignore case). */
  id: string;
  enabled: boolean;
  /** Absolute path of a gitignore-style file applied on extraction, or `null`. */
  ignoreFile: string | null;
  track: TrackMode;
  /** Glob naming a release asset to download instead of the source tarball, or `null`. */
  asset: string | null;
  /** The tag currently extracted under `current/`, or `null` before the first successful sync. */
  version: string | null;
  /** When `version` last changed (ISO 8601). */
  modified: string | null;
  lastCheckedAt: string | null;
  /** ETag of GitHub's last answer, for conditional requests. */
  etag: string | null;
  status: SyncStatus | null;
  /** The last failure, one line, secrets removed. */
  error: string | null;
  /** Files and bytes of the current version. */
  files: number;
  bytes: number;
  origin: RepoOrigin;
}

/** The settings a user chooses when adding a repository. */
export type RepoSettings = Pick<RepoRecord, 'id' | 'enabled' | 'ignoreFile' | 'track' | 'asset' | 'origin'>;

/** One attempt to sync one repository. */
export interface SyncRunRecord {
  id: string;
  repoId: string;
  startedAt: string;
  finishedAt: string | null;
  /** `running` until the run finishes; a run left `running` by a crash is marked `failed` later. */
  status: SyncStatus | 'running';
  tag: string | null;
  previousTag: string | null;
  files: number;
  bytes: number;
  /** Entries left out (ignored, links, special files). */
  skipped: number;
  durationMs: number | null;
  error: string | null;
}

/** Who holds a lock. */
export interface LockHolder {
  /** Unique per acquisition. */
  token: string;
  pid: number;
  host: string;
  acquiredAt: string;
}

/** Result of {@link Catalog.tryLock}. */
export type LockAttempt = { acquired: true } | { acquired: false; holder: LockHolder };

/** Who wrote a message of a conversation. */
export type MessageRole = 'user' | 'assistant';

/** One conversation with the assistant (`quarry chat`), which a later session can resume by id. */
export interface ConversationRecord {
  /** Chosen by the caller (a random UUID, say); compared exactly, case included. */
  id: string;
  /** The account that owns it, or `null` (conversations of the CLI). */
  owner: string | null;
  /** A short label for lists, e.g. the first question. */
  title: string;
  /** ISO 8601, as given to `createConversation`. */
  createdAt: string;
  /** `createdAt` of the last message appended, or `createdAt` while there is none. */
  updatedAt: string;
  /** How many messages the conversation holds; also the `seq` of its last message. */
  messageCount: number;
}

/** One message of a conversation, as stored. */
export interface MessageRecord {
  conversationId: string;
  /** Position in the conversation: 1 for the first message, then 2, 3, ... with no gaps. */
  seq: number;
  role: MessageRole;
  content: string;
  /**
   * Assistant turns: the standalone question used for retrieval, the model, the verified citations,
   * usage. Opaque to the catalog, which stores its JSON form: what comes back is
   * `JSON.parse(JSON.stringify(metadata))` (so `undefined` fields are dropped, dates become strings).
   */
  metadata: Record<string, unknown>;
  /** ISO 8601, stamped by the caller. */
  createdAt: string;
}

/** What a caller gives to add a conversation; the catalog fills in the rest. */
export type NewConversation = Pick<ConversationRecord, 'id' | 'title' | 'createdAt'> & {
  /** The account that owns it (server conversations); absent or `null` for the CLI's own. */
  owner?: string | null;
};

/** What an account may do: `admin` manages repositories, sync, users and keys; `member` uses the assistant. */
export type UserRole = 'admin' | 'member';

/** One account of the server. */
export interface UserRecord {
  /** The login name, compared ignoring case (`Admin` and `admin` are one account). */
  id: string;
  role: UserRole;
  /** `scrypt$…` hash of the password, never the password itself. */
  passwordHash: string;
  /** ISO 8601. */
  createdAt: string;
}

/** One API key; the secret itself is shown once at creation and only its hash is kept. */
export interface ApiKeyRecord {
  /** The key's public id (also the start of the key the user holds), compared exactly. */
  id: string;
  /** The account the key acts as (its role applies). */
  userId: string;
  /** A label chosen by the user ("ci", "vscode"). */
  name: string;
  /** SHA-256 (hex) of the key's secret. */
  secretHash: string;
  createdAt: string;
  lastUsedAt: string | null;
  /** Set when revoked; a revoked key never authenticates again. */
  revokedAt: string | null;
}

/** One signed-in browser session; the cookie holds a token whose SHA-256 (hex) is `id`. */
export interface SessionRecord {
  id: string;
  userId: string;
  createdAt: string;
  /** ISO 8601; an expired session is treated as absent. */
  expiresAt: string;
}

/** What a caller gives for one message to append; the catalog assigns `conversationId` and `seq`. */
export type NewMessage = Omit<MessageRecord, 'conversationId' | 'seq'>;

/** A crawled site: its source name in the knowledge base and how its last crawl went. */
export interface CrawlSiteRecord {
  /** The knowledge-base source name (unique, compared exactly). */
  name: string;
  /** The start URLs of the latest crawl, in the order given. */
  startUrls: string[];
  /** When the latest crawl started (ISO 8601), or `null`. */
  lastStartedAt: string | null;
  /** When the last finished crawl ended (ISO 8601); older than `lastStartedAt` while a crawl runs. */
  lastFinishedAt: string | null;
  /**
   * The JSON summary of the last finished crawl. Opaque to the catalog, which stores its JSON form: what
   * comes back is `JSON.parse(JSON.stringify(summary))`.
   */
  lastSummary: Record<string, unknown> | null;
  /** Pages currently recorded for the site (status 2xx/304 kept pages). */
  pageCount: number;
}

/** What the crawler remembers of one page, to ask "has it changed?" next time. */
export interface CrawlPageRecord {
  /** The {@link CrawlSiteRecord.name} of the site the page belongs to. */
  site: string;
  /** Normalised URL (unique within a site, compared exactly). */
  url: string;
  /** The ETag header of the last answer, sent back as If-None-Match. */
  etag: string | null;
  /** The Last-Modified header text, sent back as If-Modified-Since. */
  lastModified: string | null;
  /** SHA-256 hex of the page's body, `null` when it was never read. */
  contentHash: string | null;
  title: string | null;
  /** Path of the page's document in the knowledge base. */
  documentPath: string;
  /** Normalised URLs the page links to, in page order (kept so an unchanged page's links are followed). */
  outLinks: string[];
  /** When the page was last fetched (ISO 8601). */
  fetchedAt: string;
}

/**
 * Durable records: repositories, sync runs, locks, conversations, accounts (users, API keys, sessions)
 * and the crawler's state (sites, pages). Later capabilities add their own records.
 *
 * Contract (checked by `catalog.contract.ts`):
 * - Repo ids are compared case-insensitively; `addRepo` of an existing id is a `ConflictError`;
 *   `updateRepo`/`removeRepo` of an unknown id is a `NotFoundError`.
 * - `updateRepo` changes only the fields given and returns the whole new record.
 * - `listRepos` returns repos sorted by id, ignoring case; `listSyncRuns({ repoId })` matches ids
 *   ignoring case too.
 * - `startSyncRun` with an existing id is a `ConflictError`; `finishSyncRun` of an unknown id a
 *   `NotFoundError`.
 * - `tryLock` is atomic across processes sharing the catalog: exactly one caller acquires a free
 *   resource. `releaseLock` with a token that does not hold the lock does nothing. `breakLock` removes
 *   the lock only if it is still held with the given token (so two breakers cannot both win).
 * - `listSyncRuns` returns newest first.
 * - Conversations: ids are compared exactly. `createConversation` of an existing id is a
 *   `ConflictError` that keeps the first record; an empty id is a `ValidationError`.
 *   `listConversations` returns the most recently updated first (ties by id, ascending).
 * - `appendMessages` is all or nothing: either every message of the batch is stored, with consecutive
 *   `seq` numbers following the conversation's last one, and `updatedAt` set to the last message's
 *   `createdAt`, or nothing changes at all. The assistant relies on this to store a question and its
 *   answer together only once the answer succeeded, so a failed model call never leaves half an exchange.
 *   Input is checked before anything is written: an empty batch, a role other than `user`/`assistant`, a
 *   non-string `content` or `createdAt`, or `metadata` that is not a JSON-serialisable plain object is a
 *   `ValidationError`; an unknown conversation a `NotFoundError`.
 * - Appends to one conversation from several callers or processes at once never share or skip a `seq`,
 *   and the messages of one batch stay next to each other.
 * - `listMessages` returns messages oldest first; `lastTurns: n` keeps only the last `n` messages (one
 *   turn is one message, so a question and its answer are two). An unknown conversation is a
 *   `NotFoundError`.
 * - `limit` and `lastTurns` must be whole numbers of 0 or more, else a `ValidationError`.
 * - `deleteConversation` removes the conversation and all its messages and says whether it existed; a
 *   new conversation created later with the same id starts empty.
 * - `listConversations({ owner })` keeps only the conversations of that owner (exact match; `null`
 *   selects the ones without an owner); without `owner` it lists them all.
 * - Conversation owners must be non-empty strings or `null` (else a `ValidationError`); `owner: undefined`
 *   given explicitly to `listConversations` is a `ValidationError` too, never "list them all".
 * - Users: ids are compared ignoring case and must be 1–64 characters of letters, digits, `.`, `_`, `-`
 *   (else a `ValidationError`); records keep the spelling they were added with. `addUser` of an existing id
 *   is a `ConflictError` that keeps the first record; a role other than `admin`/`member` or an empty
 *   password hash a `ValidationError`. `updateUser` changes only the fields given and returns the whole
 *   record; `updateUser` and `removeUser` of an unknown id are a `NotFoundError`. `removeUser` also deletes
 *   the user's API keys, sessions and owned conversations, all in one step (a new user of the same name
 *   starts with none of them); removing the last admin is a `ValidationError`, checked atomically with the
 *   removal. `updateUser` with a new `passwordHash` ends all the user's sessions.
 *   `listUsers` is sorted by id ignoring case.
 * - API keys: ids are compared exactly. `addApiKey` of an existing id is a `ConflictError`, for an unknown
 *   user a `NotFoundError`; the stored `userId` is spelled as the user's id. `listApiKeys({ userId })` keeps
 *   that user's keys (ignoring case); newest first (ties: the later added first). `revokeApiKey` sets
 *   `revokedAt` once and says whether the key existed and was active (a second revocation returns false
 *   and keeps the first time). `touchApiKey` records a use; it never moves `lastUsedAt` back in time and
 *   ignores an unknown id.
 * - Sessions: `createSession` for an unknown user is a `NotFoundError`, with an existing id a
 *   `ConflictError`. `getSession(id, now)` returns `undefined` for unknown sessions and for those whose
 *   `expiresAt` is at or before `now`; `deleteExpiredSessions(now)` removes exactly those and returns how
 *   many. `deleteSession` of an unknown id does nothing.
 * - Times of users, keys and sessions are ISO 8601 strings (another form is a `ValidationError`), compared
 *   as instants; they may come back normalised to the form `Date.prototype.toISOString` writes.
 * - Crawl state (checked by `catalog-crawl.contract.ts`): site names and page URLs are compared exactly.
 *   `startCrawl` adds the site or, when it exists, replaces its start URLs and start time, keeping its pages
 *   and its last finished crawl. `finishCrawl` and `removeCrawlSite` of an unknown site are a
 *   `NotFoundError`; `removeCrawlSite` removes the site's pages with it. `listCrawlSites` is sorted by name.
 * - `putCrawlPages` is all or nothing: every page is added or replaced (by site and URL), or, when one
 *   names an unknown site (`NotFoundError`) or is malformed (`ValidationError`), nothing changes. `outLinks`
 *   keep their order. An empty batch does nothing. `deleteCrawlPages` returns how many pages it removed;
 *   URLs that are not recorded (or an unknown site) count for nothing.
 * - Crawl times are stored as given; summaries must be JSON-serialisable plain objects (else a
 *   `ValidationError`) and come back as their JSON form.
 */
export interface Catalog {
  addRepo(settings: RepoSettings): Promise<RepoRecord>;
  getRepo(id: string): Promise<RepoRecord | undefined>;
  listRepos(): Promise<RepoRecord[]>;
  updateRepo(id: string, changes: Partial<Omit<RepoRecord, 'id'>>): Promise<RepoRecord>;
  removeRepo(id: string): Promise<void>;

  startSyncRun(run: Pick<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void>;
  finishSyncRun(id: string, result: Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void>;
  listSyncRuns(options?: { repoId?: string; limit?: number }): Promise<SyncRunRecord[]>;

  tryLock(resource: string, holder: LockHolder): Promise<LockAttempt>;
  releaseLock(resource: string, token: string): Promise<void>;
  breakLock(resource: string, token: string): Promise<boolean>;

  /** Adds an empty conversation and returns its record. */
  createConversation(conversation: NewConversation): Promise<ConversationRecord>;
  /** The conversation with exactly this id, or `undefined`. */
  getConversation(id: string): Promise<ConversationRecord | undefined>;
  /** Most recently updated first; at most `limit` of them when given; only `owner`'s when given. */
  listConversations(options?: { limit?: number; owner?: string | null }): Promise<ConversationRecord[]>;
  /** Oldest first; only the last `lastTurns` messages when given. */
  listMessages(conversationId: string, options?: { lastTurns?: number }): Promise<MessageRecord[]>;
  /** Appends the batch atomically and returns the stored messages, exactly as `listMessages` will. */
  appendMessages(conversationId: string, messages: readonly NewMessage[]): Promise<MessageRecord[]>;
  /** True when the conversation existed (it and its messages are gone now), false otherwise. */
  deleteConversation(id: string): Promise<boolean>;

  addUser(user: UserRecord): Promise<UserRecord>;
  getUser(id: string): Promise<UserRecord | undefined>;
  listUsers(): Promise<UserRecord[]>;
  updateUser(id: string, changes: Partial<Pick<UserRecord, 'role' | 'passwordHash'>>): Promise<UserRecord>;
  /** Removes the user with their API keys and sessions. */
  removeUser(id: string): Promise<void>;

  addApiKey(key: ApiKeyRecord): Promise<ApiKeyRecord>;
  getApiKey(id: string): Promise<ApiKeyRecord | undefined>;
  listApiKeys(options?: { userId?: string }): Promise<ApiKeyRecord[]>;
  /** True when an active key was revoked now. */
  revokeApiKey(id: string, revokedAt: string): Promise<boolean>;
  touchApiKey(id: string, usedAt: string): Promise<void>;

  createSession(session: SessionRecord): Promise<void>;
  getSession(id: string, now: string): Promise<SessionRecord | undefined>;
  deleteSession(id: string): Promise<void>;
  /** Removes the sessions expired at `now`; returns how many. */
  deleteExpiredSessions(now: string): Promise<number>;

  /** Adds the site or updates its start URLs, and records that a crawl of it started at `startedAt`. */
  startCrawl(site: { name: string; startUrls: string[] }, startedAt: string): Promise<void>;
  /** Records that the site's crawl finished at `finishedAt`, with its summary. */
  finishCrawl(name: string, finishedAt: string, summary: Record<string, unknown>): Promise<void>;
  /** Every crawled site, sorted by name. */
  listCrawlSites(): Promise<CrawlSiteRecord[]>;
  /** The site with exactly this name, or `undefined`. */
  getCrawlSite(name: string): Promise<CrawlSiteRecord | undefined>;
  /** What was recorded of the page at `url` of `site`, or `undefined`. */
  getCrawlPage(site: string, url: string): Promise<CrawlPageRecord | undefined>;
  /** Adds or replaces the pages atomically: all of them or none. */
  putCrawlPages(pages: readonly CrawlPageRecord[]): Promise<void>;
  /** Forgets the given pages of `site`; returns how many were recorded. */
  deleteCrawlPages(site: string, urls: readonly string[]): Promise<number>;
  /** Removes the site and all its pages. */
  removeCrawlSite(name: string): Promise<void>;

  /** Release resources (database handles). */
  close(): Promise<void>;
}
