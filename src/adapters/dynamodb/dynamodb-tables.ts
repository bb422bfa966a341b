import { ValidationError } from '../../core/errors/index.ts';

/** The DynamoDB types a key attribute can have: a string or a number. */
export type KeyAttributeType = 'S' | 'N';

/** One attribute of a key: its name and type. */
export interface KeyAttribute {
  readonly name: string;
  readonly type: KeyAttributeType;
}

/** A global secondary index; every index projects all attributes, so a query reads whole records. */
export interface CatalogIndexDescription {
  readonly name: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
}

/**
 * One table of the DynamoDB catalog as it must exist: what `createTables` creates and what the CDK app
 * creates from the same description. Every table is billed on demand (`PAY_PER_REQUEST`).
 */
export interface CatalogTableDescription {
  /** The full table name, `<tablePrefix>-<suffix>`. */
  readonly name: string;
  /** What the table holds, in words, for the console and the CDK construct's description. */
  readonly purpose: string;
  readonly partitionKey: KeyAttribute;
  readonly sortKey?: KeyAttribute;
  readonly globalSecondaryIndexes: readonly CatalogIndexDescription[];
  /** The attribute DynamoDB's time to live reads (epoch seconds), when the table uses one. */
  readonly timeToLiveAttribute?: string;
}

/** The record kinds of the catalog, one table each. */
export type CatalogTableKind =
  | 'repositories'
  | 'syncRuns'
  | 'locks'
  | 'conversations'
  | 'messages'
  | 'users'
  | 'adminRoster'
  | 'apiKeys'
  | 'sessions'
  | 'crawlSites'
  | 'crawlPages';

/** The tables of the catalog, by the record kind each holds. */
export type CatalogTables = { readonly [Kind in CatalogTableKind]: CatalogTableDescription };

/** The name of each of the catalog's tables, by record kind. */
export type CatalogTableNames = { readonly [Kind in CatalogTableKind]: string };

/** Index names, shared by the code that queries them and the table descriptions. */
export const catalogIndexes = {
  syncRunsByRepository: 'by-repository',
  syncRunsByStart: 'by-start',
  conversationsByOwner: 'by-owner',
  conversationsByUpdate: 'by-update',
  apiKeysByUser: 'by-user',
  sessionsByUser: 'by-user',
} as const;

const text = (name: string): KeyAttribute => ({ name, type: 'S' });
const number = (name: string): KeyAttribute => ({ name, type: 'N' });

/** DynamoDB's own rule for table names: 3 to 255 letters, digits, `_`, `-` and `.`. */
const tableNamePattern = /^[a-zA-Z0-9_.-]+$/;
const longestSuffix = '-conversations';

/**
 * Checks a table prefix against DynamoDB's rules for table names, so that a bad `catalog.tablePrefix` is
 * refused when the catalog is made rather than by the first request.
 */
export function checkTablePrefix(prefix: unknown): string {
  const hint =
    'Set catalog.tablePrefix to letters, digits, "_", "-" or "." only (for example quarry or quarry-prod).';
  if (typeof prefix !== 'string' || prefix === '' || !tableNamePattern.test(prefix)) {
    throw new ValidationError(
      `The DynamoDB table prefix ${JSON.stringify(prefix) ?? String(prefix)} is not allowed.`,
      { hint },
    );
  }
  if (prefix.length + longestSuffix.length > 255) {
    throw new ValidationError(
      `The DynamoDB table prefix is ${prefix.length} characters long; table names would pass 255 characters.`,
      { hint: `Use a prefix of at most ${255 - longestSuffix.length} characters.` },
    );
  }
  return prefix;
}

/**
 * Describes every table of the catalog under `prefix`: names, keys, indexes and time to live. One table
 * per record kind, with attribute names as in Quarry's records, so that the tables read plainly in the AWS
 * console. Ids compared ignoring case (repositories, users) are keyed by a lower-cased copy
 * (`idLowerCase`) while `id` keeps the spelling given.
 */
export function catalogTables(prefix: string): CatalogTables {
  const checked = checkTablePrefix(prefix);
  const name = (suffix: string) => `${checked}-${suffix}`;
  return {
    ...repositoryTables(name),
    ...conversationTables(name),
    ...accountTables(name),
    ...crawlTables(name),
  };
}

function repositoryTables(
  name: (suffix: string) => string,
): Pick<CatalogTables, 'repositories' | 'syncRuns' | 'locks'> {
  return {
    repositories: {
      name: name('repositories'),
      purpose: 'Watched GitHub repositories and the state of their last sync.',
      partitionKey: text('idLowerCase'),
      globalSecondaryIndexes: [],
    },
    syncRuns: {
      name: name('sync-runs'),
      purpose: 'One item per attempt to sync a repository.',
      partitionKey: text('id'),
      globalSecondaryIndexes: [
        {
          name: catalogIndexes.syncRunsByRepository,
          partitionKey: text('repoIdLowerCase'),
          sortKey: text('startedAt'),
        },
        // Every run shares the partition `kind = sync-run`, so the newest runs of all repositories are
        // one query; syncs start a few times an hour, far below what one index partition takes.
        { name: catalogIndexes.syncRunsByStart, partitionKey: text('kind'), sortKey: text('startedAt') },
      ],
    },
    locks: {
      name: name('locks'),
      purpose: 'Named locks (one sync per repository, one crawl per site) and who holds them.',
      partitionKey: text('resource'),
      globalSecondaryIndexes: [],
    },
  };
}

function crawlTables(name: (suffix: string) => string): Pick<CatalogTables, 'crawlSites' | 'crawlPages'> {
  return {
    crawlSites: {
      name: name('crawl-sites'),
      purpose: 'Crawled websites and how their last crawl went.',
      partitionKey: text('name'),
      globalSecondaryIndexes: [],
    },
    crawlPages: {
      name: name('crawl-pages'),
      purpose: 'What the crawler remembers of each page (ETag, hash, links), by site and URL.',
      partitionKey: text('site'),
      sortKey: text('urlKey'),
      globalSecondaryIndexes: [],
    },
  };
}

function conversationTables(
  name: (suffix: string) => string,
): Pick<CatalogTables, 'conversations' | 'messages'> {
  return {
    conversations: {
      name: name('conversations'),
      purpose: 'Conversations with the assistant (messages are in the messages table).',
      partitionKey: text('id'),
      globalSecondaryIndexes: [
        {
          name: catalogIndexes.conversationsByOwner,
          partitionKey: text('ownerKey'),
          sortKey: text('updatedAt'),
        },
        {
          name: catalogIndexes.conversationsByUpdate,
          partitionKey: text('kind'),
          sortKey: text('updatedAt'),
        },
      ],
    },
    messages: {
      name: name('messages'),
      purpose:
        'Messages of conversations: one item per appended batch, keyed by conversation incarnation and first seq.',
      partitionKey: text('conversationKey'),
      sortKey: number('firstSeq'),
      globalSecondaryIndexes: [],
    },
  };
}

function accountTables(
  name: (suffix: string) => string,
): Pick<CatalogTables, 'users' | 'adminRoster' | 'apiKeys' | 'sessions'> {
  return {
    users: {
      name: name('users'),
      purpose: 'Accounts of the server: role and password hash.',
      partitionKey: text('idLowerCase'),
      globalSecondaryIndexes: [],
    },
    adminRoster: {
      name: name('admin-roster'),
      purpose: 'One item listing the active admin terms, so that the last admin can never be removed.',
      partitionKey: text('roster'),
      globalSecondaryIndexes: [],
    },
    apiKeys: {
      name: name('api-keys'),
      purpose: 'API keys (only the hash of each secret) and the account each acts as.',
      partitionKey: text('id'),
      globalSecondaryIndexes: [
        {
          name: catalogIndexes.apiKeysByUser,
          partitionKey: text('userIdLowerCase'),
          sortKey: text('createdAt'),
        },
      ],
    },
    sessions: {
      name: name('sessions'),
      purpose: 'Signed-in browser sessions, keyed by the SHA-256 of the cookie token.',
      partitionKey: text('id'),
      globalSecondaryIndexes: [
        { name: catalogIndexes.sessionsByUser, partitionKey: text('userIdLowerCase') },
      ],
      timeToLiveAttribute: 'expiresAtEpochSeconds',
    },
  };
}

/** The table names of `tables`, by record kind. */
export function tableNamesOf(tables: CatalogTables): CatalogTableNames {
  const entries = Object.entries(tables).map(([kind, table]) => [kind, table.name]);
  return Object.fromEntries(entries) as CatalogTableNames;
}
