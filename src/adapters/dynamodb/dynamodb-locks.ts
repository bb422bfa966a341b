import { RetryableError, ValidationError } from '../../core/errors/index.ts';
import type { LockAttempt, LockHolder } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { expression } from './dynamodb-expressions.ts';
import { checkKeyText, ItemReader, itemSchemaVersion } from './dynamodb-items.ts';
import { deleteItem, getItem, putItem, type TableHandle } from './dynamodb-requests.ts';

/** Rounds of "taken, but gone when read" before giving up: each needs a release between two requests. */
const acquireRounds = 5;

/**
 * Named locks, one item per held resource. Taking one is a put conditioned on no item existing, which
 * DynamoDB applies atomically: of many simultaneous callers exactly one writes. Releasing and breaking
 * are deletes conditioned on the token, so only the holder's token frees it. No expiry is stored: whether
 * a holder is gone is for `takeCatalogLock` to decide (it knows the staleness limit), and a time-to-live
 * deletion, up to days late and blind to tokens, would only muddle that.
 */
export class DynamoDbLocks {
  private readonly table: TableHandle;

  constructor(context: CatalogContext) {
    this.table = tableOf(context, 'locks');
  }

  /** See `LockCatalog.tryLock`. */
  async tryLock(resource: string, holder: LockHolder): Promise<LockAttempt> {
    const key = { resource: checkKeyText(resource, 'A lock resource') };
    const item = { ...key, ...checkHolder(holder), schemaVersion: itemSchemaVersion };
    for (let round = 0; round < acquireRounds; round++) {
      if (await putItem(this.table, item, expression('attribute_not_exists(#resource)')))
        return { acquired: true };
      const current = await getItem(this.table, key);
      // Released between the refused put and this read: the resource may be free again.
      if (current !== undefined) return { acquired: false, holder: this.holderOf(current) };
    }
    throw new RetryableError(`The lock on ${resource} changed hands too often to be taken.`, {
      hint: 'Other processes keep taking and releasing it; try again in a moment.',
    });
  }

  /** See `LockCatalog.releaseLock`. */
  async release(resource: string, token: string): Promise<void> {
    await this.deleteHeld(resource, token);
  }

  /** See `LockCatalog.breakLock`. */
  async breakLock(resource: string, token: string): Promise<boolean> {
    return this.deleteHeld(resource, token);
  }

  private async deleteHeld(resource: string, token: string): Promise<boolean> {
    const key = { resource: checkKeyText(resource, 'A lock resource') };
    const outcome = await deleteItem(
      this.table,
      key,
      expression('#token = :token', { ':token': String(token) }),
    );
    return outcome.deleted;
  }

  private holderOf(item: Record<string, unknown>): LockHolder {
    const reader = new ItemReader(item, this.table.table);
    return {
      token: reader.text('token'),
      pid: reader.number('pid'),
      host: reader.text('host'),
      acquiredAt: reader.text('acquiredAt'),
    };
  }
}

function checkHolder(holder: LockHolder): LockHolder {
  if (
    typeof holder !== 'object' ||
    holder === null ||
    typeof holder.token !== 'string' ||
    holder.token === '' ||
    !Number.isSafeInteger(holder.pid) ||
    typeof holder.host !== 'string' ||
    typeof holder.acquiredAt !== 'string'
  ) {
    throw new ValidationError(
      'A lock holder needs a token, a pid, a host and the time it acquired the lock.',
    );
  }
  return { token: holder.token, pid: holder.pid, host: holder.host, acquiredAt: holder.acquiredAt };
}
