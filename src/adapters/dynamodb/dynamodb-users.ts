import { duplicateUser } from '../../core/catalog-input/catalog-conflicts.ts';
import { userNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { isPossibleUserId } from '../../core/catalog-input/check-user.ts';
import type { UserRecord } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { expression } from './dynamodb-expressions.ts';
import { type Item, ItemReader, itemSchemaVersion } from './dynamodb-items.ts';
import {
  collect,
  deleteItem,
  getItem,
  putItem,
  scanItems,
  type TableHandle,
  updateItem,
} from './dynamodb-requests.ts';
import { asciiLowerCase, compareText } from './text-order.ts';

/**
 * A user as stored, with what the record does not show: which life of the name it is (`incarnation`, new
 * each time the name is added), how often the item changed (`revision`, which conditional writes test),
 * how often the password changed (`passwordRevision`, which sessions must match) and the admin term (see
 * `AdminRoster`).
 */
export interface StoredUser {
  record: UserRecord;
  idLowerCase: string;
  incarnation: string;
  revision: number;
  passwordRevision: number;
  adminTerm: string | null;
}

/** What {@link DynamoDbUsers.replace} writes over a stored user. */
export interface UserReplacement {
  record: UserRecord;
  adminTerm: string | null;
  passwordRevision: number;
}

/**
 * The user items, keyed by the lower-cased id (`idLowerCase`), `id` keeping the spelling given. Every
 * change after the first write is conditioned on the `revision` read before it, so a change computed from
 * a stale read is refused and computed again, never applied over another.
 */
export class DynamoDbUsers {
  private readonly table: TableHandle;
  private readonly context: CatalogContext;

  constructor(context: CatalogContext) {
    this.context = context;
    this.table = tableOf(context, 'users');
  }

  /** Writes a new user, refusing an id already present in any case. */
  async insert(record: UserRecord, adminTerm: string | null): Promise<StoredUser> {
    const stored: StoredUser = {
      record,
      idLowerCase: asciiLowerCase(record.id),
      incarnation: this.context.newId(),
      revision: 1,
      passwordRevision: 1,
      adminTerm,
    };
    if (await putItem(this.table, itemOf(stored), expression('attribute_not_exists(#idLowerCase)')))
      return stored;
    const existing = await this.read(record.id);
    throw duplicateUser(existing?.record.id ?? record.id);
  }

  /** The user named `id` (ignoring case), read consistently, or `undefined`. */
  async read(id: unknown): Promise<StoredUser | undefined> {
    if (!isPossibleUserId(id)) return undefined;
    const item = await getItem(this.table, { idLowerCase: asciiLowerCase(id) });
    return item === undefined ? undefined : this.fromItem(item);
  }

  /** The user named `id` (ignoring case), read consistently; the contract's `NotFoundError` if there is none. */
  async readExisting(id: unknown): Promise<StoredUser> {
    const user = await this.read(id);
    if (user === undefined) throw userNotFound(id);
    return user;
  }

  /** Every user, sorted by id ignoring case. A scan: a server has tens or hundreds of accounts. */
  async list(): Promise<StoredUser[]> {
    const users = (await collect(scanItems(this.table))).map((item) => this.fromItem(item));
    return users.sort(
      (left, right) =>
        compareText(left.idLowerCase, right.idLowerCase) || compareText(left.record.id, right.record.id),
    );
  }

  /** Writes `next` over `current` if the item has not changed since; the new state, or `undefined`. */
  async replace(current: StoredUser, next: UserReplacement): Promise<StoredUser | undefined> {
    const update = expression(
      'SET #role = :role, #passwordHash = :passwordHash, #passwordRevision = :passwordRevision, ' +
        '#adminTerm = :adminTerm, #revision = :nextRevision',
      {
        ':role': next.record.role,
        ':passwordHash': next.record.passwordHash,
        ':passwordRevision': next.passwordRevision,
        ':adminTerm': next.adminTerm,
        ':nextRevision': current.revision + 1,
      },
    );
    const condition = expression('#revision = :revision', { ':revision': current.revision });
    const item = await updateItem(this.table, { idLowerCase: current.idLowerCase }, update, condition);
    return item === undefined ? undefined : this.fromItem(item);
  }

  /** Deletes the user if the item has not changed since `current` was read; says whether it did. */
  async deleteIfUnchanged(current: StoredUser): Promise<boolean> {
    const condition = expression('#revision = :revision', { ':revision': current.revision });
    return (await deleteItem(this.table, { idLowerCase: current.idLowerCase }, condition)).deleted;
  }

  private fromItem(item: Item): StoredUser {
    const reader = new ItemReader(item, this.table.table);
    return {
      record: {
        id: reader.text('id'),
        role: reader.oneOf('role', ['admin', 'member'] as const),
        passwordHash: reader.text('passwordHash'),
        createdAt: reader.text('createdAt'),
      },
      idLowerCase: reader.text('idLowerCase'),
      incarnation: reader.text('incarnation'),
      revision: reader.number('revision'),
      passwordRevision: reader.number('passwordRevision'),
      adminTerm: reader.optionalText('adminTerm'),
    };
  }
}

function itemOf(stored: StoredUser): Item {
  return {
    idLowerCase: stored.idLowerCase,
    ...stored.record,
    incarnation: stored.incarnation,
    revision: stored.revision,
    passwordRevision: stored.passwordRevision,
    adminTerm: stored.adminTerm,
    schemaVersion: itemSchemaVersion,
  };
}
