import { duplicateSession } from '../../core/catalog-input/catalog-conflicts.ts';
import { checkSession } from '../../core/catalog-input/check-session.ts';
import { isoInstant } from '../../core/catalog-input/iso-instant.ts';
import type { SessionRecord } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { expression } from './dynamodb-expressions.ts';
import {
  checkKeyText,
  type Item,
  ItemReader,
  isPossibleKeyText,
  itemSchemaVersion,
} from './dynamodb-items.ts';
import {
  type BatchRequest,
  collect,
  deleteItem,
  getItem,
  putItem,
  queryItems,
  scanItems,
  type TableHandle,
  writeBatch,
} from './dynamodb-requests.ts';
import { catalogIndexes } from './dynamodb-tables.ts';
import type { DynamoDbUsers, StoredUser } from './dynamodb-users.ts';

/** Expired sessions deleted at once by {@link DynamoDbSessions.deleteExpired}. */
const deletionsInFlight = 16;

/** A session as stored: the record and the life and password of the user it was opened for. */
interface StoredSession {
  record: SessionRecord;
  userIdLowerCase: string;
  userIncarnation: string;
  userPasswordRevision: number;
}

/**
 * Browser sessions, one item each keyed by the session id, with an index by user. A session is only
 * returned while its user exists in the same incarnation with the same password revision as when it was
 * opened: removing the user or changing the password ends it at once, whether or not the items are deleted
 * yet. `expiresAtEpochSeconds` lets DynamoDB's time to live delete expired sessions on its own.
 */
export class DynamoDbSessions {
  private readonly table: TableHandle;
  private readonly users: DynamoDbUsers;

  constructor(context: CatalogContext, users: DynamoDbUsers) {
    this.users = users;
    this.table = tableOf(context, 'sessions');
  }

  /** See `AccountCatalog.createSession`. */
  async create(session: SessionRecord): Promise<void> {
    const checked = checkSession(session);
    // Sessions are keyed by their id, and a DynamoDB key holds at most 2048 bytes.
    checkKeyText(checked.id, 'The id of a session');
    const user = await this.users.readExisting(checked.userId);
    const item = {
      ...checked,
      userId: user.record.id,
      userIdLowerCase: user.idLowerCase,
      userIncarnation: user.incarnation,
      userPasswordRevision: user.passwordRevision,
      expiresAtEpochSeconds: Math.ceil(Date.parse(checked.expiresAt) / 1000),
      schemaVersion: itemSchemaVersion,
    };
    if (!(await putItem(this.table, item, expression('attribute_not_exists(#id)')))) {
      throw duplicateSession();
    }
  }

  /** See `AccountCatalog.getSession`. */
  async get(id: string, now: string): Promise<SessionRecord | undefined> {
    const at = isoInstant(now, 'The current time');
    if (!isPossibleKeyText(id)) return undefined;
    const item = await getItem(this.table, { id });
    if (item === undefined) return undefined;
    const session = this.fromItem(item);
    if (session.record.expiresAt <= at) return undefined;
    const user = await this.users.read(session.record.userId);
    return user !== undefined && isValidFor(session, user) ? session.record : undefined;
  }

  /** See `AccountCatalog.deleteSession`. */
  async delete(id: string): Promise<void> {
    if (isPossibleKeyText(id)) await deleteItem(this.table, { id });
  }

  /**
   * See `AccountCatalog.deleteExpiredSessions`. Each deletion is conditioned on the session being expired,
   * so a session counts once however many processes clean up at the same time.
   */
  async deleteExpired(now: string): Promise<number> {
    const at = isoInstant(now, 'The current time');
    const filter = expression('#expiresAt <= :now', { ':now': at });
    const expired = await collect(
      scanItems(this.table, {
        FilterExpression: filter.text,
        ProjectionExpression: '#id, #expiresAt',
        ExpressionAttributeNames: { ...filter.names, '#id': 'id' },
        ExpressionAttributeValues: filter.values,
      }),
    );
    let deleted = 0;
    for (let start = 0; start < expired.length; start += deletionsInFlight) {
      const outcomes = await Promise.all(
        expired
          .slice(start, start + deletionsInFlight)
          .map((item) => deleteItem(this.table, { id: item.id }, filter)),
      );
      deleted += outcomes.filter((outcome) => outcome.deleted).length;
    }
    return deleted;
  }

  /**
   * Deletes the sessions of one life of a user: all of them (`reason: 'removed'`) or those opened before
   * the password last changed (`'password-changed'`). They no longer authenticate anyway; this is tidying.
   */
  async deleteOfUser(user: StoredUser, reason: 'removed' | 'password-changed'): Promise<void> {
    const partition = expression('#userIdLowerCase = :user', { ':user': user.idLowerCase });
    const items = queryItems(this.table, {
      IndexName: catalogIndexes.sessionsByUser,
      KeyConditionExpression: partition.text,
      ExpressionAttributeNames: partition.names,
      ExpressionAttributeValues: partition.values,
    });
    const stale: BatchRequest[] = [];
    for await (const item of items) {
      const session = this.fromItem(item);
      if (session.userIncarnation !== user.incarnation) continue;
      if (reason === 'removed' || !isValidFor(session, user)) {
        stale.push({ DeleteRequest: { Key: { id: session.record.id } } });
      }
    }
    await writeBatch(this.table, stale);
  }

  private fromItem(item: Item): StoredSession {
    const reader = new ItemReader(item, this.table.table);
    return {
      record: {
        id: reader.text('id'),
        userId: reader.text('userId'),
        createdAt: reader.text('createdAt'),
        expiresAt: reader.text('expiresAt'),
      },
      userIdLowerCase: reader.text('userIdLowerCase'),
      userIncarnation: reader.text('userIncarnation'),
      userPasswordRevision: reader.number('userPasswordRevision'),
    };
  }
}

function isValidFor(session: StoredSession, user: StoredUser): boolean {
  return (
    session.userIdLowerCase === user.idLowerCase &&
    session.userIncarnation === user.incarnation &&
    session.userPasswordRevision === user.passwordRevision
  );
}
