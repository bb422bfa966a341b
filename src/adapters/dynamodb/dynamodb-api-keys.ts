import { duplicateApiKey } from '../../core/catalog-input/catalog-conflicts.ts';
import { checkApiKey } from '../../core/catalog-input/check-api-key.ts';
import { isoInstant } from '../../core/catalog-input/iso-instant.ts';
import type { ApiKeyRecord } from '../../core/ports/catalog.ts';
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
  getItem,
  putItem,
  queryItems,
  scanItems,
  type TableHandle,
  updateItem,
  writeBatch,
} from './dynamodb-requests.ts';
import { catalogIndexes } from './dynamodb-tables.ts';
import type { DynamoDbUsers, StoredUser } from './dynamodb-users.ts';
import { compareText } from './text-order.ts';

/** A key as stored: the record and the life of the user it belongs to. */
interface StoredKey {
  record: ApiKeyRecord;
  userIdLowerCase: string;
  userIncarnation: string;
  insertionOrder: number;
}

/**
 * API keys, one item each keyed by the key's id, with an index by user (`userIdLowerCase`, `createdAt`).
 * Each key records the `incarnation` of its user, and is only ever returned while that very user still
 * exists: a removed user's keys stop working the moment the user item is gone, before (and whether or not)
 * the clean-up deleting them has run, and a new user of the same name never sees them.
 */
export class DynamoDbApiKeys {
  private readonly table: TableHandle;
  private readonly context: CatalogContext;
  private readonly users: DynamoDbUsers;

  constructor(context: CatalogContext, users: DynamoDbUsers) {
    this.context = context;
    this.users = users;
    this.table = tableOf(context, 'apiKeys');
  }

  /** See `AccountCatalog.addApiKey`. */
  async add(key: ApiKeyRecord): Promise<ApiKeyRecord> {
    const checked = checkApiKey(key);
    // Beyond the contract: the id is the item's key, which DynamoDB caps at 2048 bytes.
    checkKeyText(checked.id, 'The id of an API key');
    const user = await this.users.readExisting(checked.userId);
    const record: ApiKeyRecord = { ...checked, userId: user.record.id };
    const item = {
      ...record,
      userIdLowerCase: user.idLowerCase,
      userIncarnation: user.incarnation,
      insertionOrder: this.context.nextInsertionOrder(),
      schemaVersion: itemSchemaVersion,
    };
    if (!(await putItem(this.table, item, expression('attribute_not_exists(#id)')))) {
      throw duplicateApiKey(record.id);
    }
    return record;
  }

  /** See `AccountCatalog.getApiKey`: `undefined` too for a key whose user is gone. */
  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const stored = await this.read(id);
    if (stored === undefined) return undefined;
    const user = await this.users.read(stored.record.userId);
    return user !== undefined && belongsTo(stored, user) ? stored.record : undefined;
  }

  /** See `AccountCatalog.listApiKeys`: newest first, the later added first on a tie. */
  async list(options: { userId?: string } = {}): Promise<ApiKeyRecord[]> {
    let keys: StoredKey[];
    if (options.userId === undefined) {
      const live = new Map((await this.users.list()).map((user) => [user.idLowerCase, user]));
      keys = (await collect(scanItems(this.table))).map((item) => this.fromItem(item));
      keys = keys.filter((key) => {
        const user = live.get(key.userIdLowerCase);
        return user !== undefined && belongsTo(key, user);
      });
    } else {
      const user = await this.users.read(options.userId);
      keys = user === undefined ? [] : await this.keysOf(user);
    }
    return keys
      .sort(
        (left, right) =>
          compareText(right.record.createdAt, left.record.createdAt) ||
          right.insertionOrder - left.insertionOrder,
      )
      .map((key) => key.record);
  }

  /** See `AccountCatalog.revokeApiKey`: the first revocation time stays, by a condition on it being null. */
  async revoke(id: string, revokedAt: string): Promise<boolean> {
    const at = isoInstant(revokedAt, 'The revocation time of an API key');
    if ((await this.get(id)) === undefined) return false;
    const revoked = await updateItem(
      this.table,
      { id },
      expression('SET #revokedAt = :revokedAt', { ':revokedAt': at }),
      expression('attribute_exists(#id) AND attribute_type(#revokedAt, :null)', { ':null': 'NULL' }),
    );
    return revoked !== undefined;
  }

  /** See `AccountCatalog.touchApiKey`: conditioned on the new time being later, so it never moves back. */
  async touch(id: string, usedAt: string): Promise<void> {
    const at = isoInstant(usedAt, 'The time an API key was used');
    if (!isPossibleKeyText(id)) return;
    await updateItem(
      this.table,
      { id },
      expression('SET #lastUsedAt = :usedAt', { ':usedAt': at }),
      expression('attribute_exists(#id) AND (attribute_type(#lastUsedAt, :null) OR #lastUsedAt < :usedAt)', {
        ':null': 'NULL',
      }),
    );
  }

  /** Deletes the keys of one life of a user (a removed one). */
  async deleteOfUser(user: StoredUser): Promise<void> {
    const stale = (await this.keysOf(user)).map(
      (key): BatchRequest => ({ DeleteRequest: { Key: { id: key.record.id } } }),
    );
    await writeBatch(this.table, stale);
  }

  /** The keys of this life of the user, from the index by user. */
  private async keysOf(user: StoredUser): Promise<StoredKey[]> {
    const partition = expression('#userIdLowerCase = :user', { ':user': user.idLowerCase });
    const items = queryItems(this.table, {
      IndexName: catalogIndexes.apiKeysByUser,
      KeyConditionExpression: partition.text,
      ExpressionAttributeNames: partition.names,
      ExpressionAttributeValues: partition.values,
    });
    return (await collect(items)).map((item) => this.fromItem(item)).filter((key) => belongsTo(key, user));
  }

  private async read(id: string): Promise<StoredKey | undefined> {
    if (!isPossibleKeyText(id)) return undefined;
    const item = await getItem(this.table, { id });
    return item === undefined ? undefined : this.fromItem(item);
  }

  private fromItem(item: Item): StoredKey {
    const reader = new ItemReader(item, this.table.table);
    return {
      record: {
        id: reader.text('id'),
        userId: reader.text('userId'),
        name: reader.text('name'),
        secretHash: reader.text('secretHash'),
        createdAt: reader.text('createdAt'),
        lastUsedAt: reader.optionalText('lastUsedAt'),
        revokedAt: reader.optionalText('revokedAt'),
      },
      userIdLowerCase: reader.text('userIdLowerCase'),
      userIncarnation: reader.text('userIncarnation'),
      insertionOrder: reader.number('insertionOrder'),
    };
  }
}

function belongsTo(key: StoredKey, user: StoredUser): boolean {
  return key.userIdLowerCase === user.idLowerCase && key.userIncarnation === user.incarnation;
}
