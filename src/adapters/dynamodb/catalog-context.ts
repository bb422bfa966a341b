import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { TableHandle } from './dynamodb-requests.ts';
import type { CatalogTableNames } from './dynamodb-tables.ts';

/** What every part of the DynamoDB catalog works with: the client, the tables and the side effects. */
export interface CatalogContext {
  documents: DynamoDBDocumentClient;
  tables: CatalogTableNames;
  /** A new unique id (incarnations of conversations, users and sites; admin terms). */
  newId: () => string;
  /**
   * A number that grows with every call in this process and follows the clock across processes: it orders
   * records created in the same millisecond (the SQLite catalog's rowid plays that part there).
   */
  nextInsertionOrder: () => number;
}

/** The handle of one of the catalog's tables. */
export function tableOf(context: CatalogContext, kind: keyof CatalogTableNames): TableHandle {
  return { documents: context.documents, table: context.tables[kind] };
}

/** A counter of microseconds since the epoch that never repeats nor goes back within this process. */
export function insertionCounter(clock: () => Date): () => number {
  let last = 0;
  return () => {
    last = Math.max(last + 1, clock().getTime() * 1000);
    return last;
  };
}
