import { randomUUID } from 'node:crypto';
import type { DynamoDBClient, DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { ValidationError } from '../../core/errors/index.ts';
import type { Catalog } from '../../core/ports/catalog.ts';
import { type CatalogContext, insertionCounter } from './catalog-context.ts';
import { DynamoDbAccounts } from './dynamodb-accounts.ts';
import { DynamoDbApiKeys } from './dynamodb-api-keys.ts';
import { DynamoDbCatalogStore } from './dynamodb-catalog-store.ts';
import { createDynamoDbClients } from './dynamodb-client.ts';
import { DynamoDbConversations } from './dynamodb-conversations.ts';
import { DynamoDbCrawl } from './dynamodb-crawl.ts';
import { DynamoDbLocks } from './dynamodb-locks.ts';
import { DynamoDbRepositories } from './dynamodb-repositories.ts';
import { DynamoDbSessions } from './dynamodb-sessions.ts';
import { DynamoDbSyncRuns } from './dynamodb-sync-runs.ts';
import { catalogTables, checkTablePrefix, tableNamesOf } from './dynamodb-tables.ts';
import { DynamoDbUsers } from './dynamodb-users.ts';
import { tableProvisioner } from './ensure-catalog-tables.ts';

/** Where the DynamoDB catalog keeps its tables and how it reaches DynamoDB. */
export interface DynamoDbCatalogOptions {
  /** Table names are `<tablePrefix>-repositories`, `<tablePrefix>-sync-runs`, ... (see `catalogTables`). */
  tablePrefix: string;
  /**
   * Create missing tables (on-demand billing) on first use; when false a missing table is a clear error
   * naming the table and the setting `catalog.createTables`.
   */
  createTables: boolean;
  /**
   * A client to use (tests, or a caller sharing one); otherwise one is made from the SDK's own chain
   * (AWS_REGION, AWS_ENDPOINT_URL_DYNAMODB, profiles, roles). A client given is the caller's: `close()`
   * leaves it open, and its own retry settings apply instead of `maxAttempts`.
   */
  client?: DynamoDBClient;
  /** AWS region of a made client; by default the SDK's lookup. */
  region?: string;
  /** A DynamoDB-compatible endpoint for a made client (a local stand-in); by default the SDK's lookup. */
  endpoint?: string;
  /** Credentials of a made client; by default the SDK's chain. */
  credentials?: DynamoDBClientConfig['credentials'];
  /**
   * Attempts per request of a made client for throttling (ProvisionedThroughputExceededException,
   * ThrottlingException), 5xx answers and dropped connections, backing off exponentially (default 5).
   */
  maxAttempts?: number;
  /** Source of the current time (orders records created together, dates retired admin terms). */
  clock?: () => Date;
  /** Source of unique ids without `#` (incarnations, admin terms); random UUIDs by default. */
  newId?: () => string;
}

/**
 * A {@link Catalog} in DynamoDB: one table per record kind (see `catalogTables`), every invariant kept by
 * single-item conditional writes and checks when reading, with no multi-item transactions (which
 * DynamoDB stand-ins such as dynalite lack, and which cost twice as much). The factory is synchronous and makes no request: the tables are checked (and, with
 * `createTables`, created) on the first operation, and checked again after a failed check.
 */
export function createDynamoDbCatalog(options: DynamoDbCatalogOptions): Catalog {
  if (typeof options !== 'object' || options === null) {
    throw new ValidationError('The DynamoDB catalog needs its options (tablePrefix, createTables).');
  }
  const tables = catalogTables(checkTablePrefix(options.tablePrefix));
  const clients = createDynamoDbClients(options);
  const clock = options.clock ?? (() => new Date());
  const context: CatalogContext = {
    documents: clients.documents,
    tables: tableNamesOf(tables),
    newId: options.newId ?? randomUUID,
    nextInsertionOrder: insertionCounter(clock),
  };
  const users = new DynamoDbUsers(context);
  const conversations = new DynamoDbConversations(context);
  const apiKeys = new DynamoDbApiKeys(context, users);
  const sessions = new DynamoDbSessions(context, users);
  return new DynamoDbCatalogStore({
    clients,
    ensureTables: tableProvisioner(clients.client, tables, options.createTables === true),
    repositories: new DynamoDbRepositories(context),
    syncRuns: new DynamoDbSyncRuns(context),
    locks: new DynamoDbLocks(context),
    conversations,
    accounts: new DynamoDbAccounts(context, clock, { users, apiKeys, sessions, conversations }),
    apiKeys,
    sessions,
    crawl: new DynamoDbCrawl(context),
  });
}
