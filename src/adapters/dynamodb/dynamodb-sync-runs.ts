import { duplicateSyncRun } from '../../core/catalog-input/catalog-conflicts.ts';
import { syncRunNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { checkCount } from '../../core/catalog-input/field-checks.ts';
import { newSyncRunRecord } from '../../core/catalog-input/new-sync-run-record.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { SyncRunRecord, SyncStatus } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { existsInKnownLayout, expression, setFields } from './dynamodb-expressions.ts';
import { checkKeyText, type Item, ItemReader, itemSchemaVersion, keyLimits } from './dynamodb-items.ts';
import {
  explainRefusedWrite,
  putItem,
  queryItems,
  type TableHandle,
  updateItem,
} from './dynamodb-requests.ts';
import { catalogIndexes } from './dynamodb-tables.ts';
import { takeNewestFirst } from './newest-first.ts';
import { asciiLowerCase, compareText } from './text-order.ts';

/** The value of `kind` every run shares, which the index of all runs by start time is partitioned on. */
const runKind = 'sync-run';
const runStatuses: readonly SyncRunRecord['status'][] = [
  'running',
  'updated',
  'unchanged',
  'no-release',
  'failed',
];

/** What a finished run records. */
type SyncRunResult = Omit<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>;

/**
 * The history of sync runs, one item per run keyed by its id. Two indexes list them newest first: by
 * repository (`repoIdLowerCase`, `startedAt`) and all together (`kind`, `startedAt`). Runs that started
 * in the same instant come later-recorded first, by `insertionOrder`.
 */
export class DynamoDbSyncRuns {
  private readonly table: TableHandle;
  private readonly context: CatalogContext;

  constructor(context: CatalogContext) {
    this.context = context;
    this.table = tableOf(context, 'syncRuns');
  }

  /** See `RepositoryCatalog.startSyncRun`. */
  async start(run: Pick<SyncRunRecord, 'id' | 'repoId' | 'startedAt'>): Promise<void> {
    const id = checkKeyText(run?.id, 'A sync run id');
    const record = newSyncRunRecord({
      id,
      repoId: checkKeyText(run.repoId, `The repository of sync run ${id}`),
      startedAt: checkKeyText(run.startedAt, `The start time of sync run ${id}`, keyLimits.sort),
    });
    const item = {
      ...record,
      repoIdLowerCase: asciiLowerCase(record.repoId),
      kind: runKind,
      insertionOrder: this.context.nextInsertionOrder(),
      schemaVersion: itemSchemaVersion,
    };
    if (!(await putItem(this.table, item, expression('attribute_not_exists(#id)')))) {
      throw duplicateSyncRun(id);
    }
  }

  /** See `RepositoryCatalog.finishSyncRun`. */
  async finish(id: string, result: SyncRunResult): Promise<void> {
    const key = { id: checkKeyText(id, 'A sync run id') };
    const condition = existsInKnownLayout('id', itemSchemaVersion);
    const updated = await updateItem(this.table, key, setFields(checkResult(result)), condition);
    if (updated === undefined) {
      await explainRefusedWrite(this.table, key, () => syncRunNotFound(id));
    }
  }

  /** See `RepositoryCatalog.listSyncRuns`. */
  async list(options: { repoId?: string; limit?: number } = {}): Promise<SyncRunRecord[]> {
    const limit = checkCount('sync run limit', options.limit, 'Leave the limit out to list every run.');
    const partition =
      options.repoId === undefined
        ? { IndexName: catalogIndexes.syncRunsByStart, ...expressionOf('#kind = :partition', runKind) }
        : {
            IndexName: catalogIndexes.syncRunsByRepository,
            ...expressionOf('#repoIdLowerCase = :partition', asciiLowerCase(String(options.repoId))),
          };
    const items = queryItems(this.table, {
      ...partition,
      ScanIndexForward: false,
      ...(limit === undefined ? {} : { Limit: Math.min(limit + 1, 1000) }),
    });
    const ordered = await takeNewestFirst(items, {
      limit,
      sortKeyOf: (item) => String(item.startedAt),
      convert: (item) => ({ record: this.fromItem(item), order: Number(item.insertionOrder) }),
      compare: (left, right) =>
        compareText(right.record.startedAt, left.record.startedAt) || right.order - left.order,
    });
    return ordered.map((entry) => entry.record);
  }

  private fromItem(item: Item): SyncRunRecord {
    const reader = new ItemReader(item, this.table.table);
    return {
      id: reader.text('id'),
      repoId: reader.text('repoId'),
      startedAt: reader.text('startedAt'),
      finishedAt: reader.optionalText('finishedAt'),
      status: reader.oneOf('status', runStatuses),
      tag: reader.optionalText('tag'),
      previousTag: reader.optionalText('previousTag'),
      files: reader.number('files'),
      bytes: reader.number('bytes'),
      skipped: reader.number('skipped'),
      durationMs: reader.optionalNumber('durationMs'),
      error: reader.optionalText('error'),
    };
  }
}

function expressionOf(keyCondition: string, partition: string) {
  const { names } = expression(keyCondition);
  return {
    KeyConditionExpression: keyCondition,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: { ':partition': partition },
  };
}

/** The fields of a finished run, checked, with nothing else (the id, repository and start stay). */
function checkResult(result: SyncRunResult): Record<string, unknown> {
  if (typeof result !== 'object' || result === null) {
    throw new ValidationError('The result of a sync run must be an object.');
  }
  const text = (field: keyof SyncRunResult) => {
    const value = result[field];
    if (value === null || typeof value === 'string') return value;
    throw new ValidationError(`The sync run field ${field} must be a string or null.`);
  };
  const count = (field: 'files' | 'bytes' | 'skipped') => {
    const value = result[field];
    if (Number.isSafeInteger(value) && value >= 0) return value;
    throw new ValidationError(`The sync run field ${field} must be a whole number of 0 or more.`);
  };
  if (!runStatuses.includes(result.status as SyncStatus)) {
    throw new ValidationError(`The status of a sync run must be one of ${runStatuses.join(', ')}.`);
  }
  const duration = result.durationMs;
  if (duration !== null && !(typeof duration === 'number' && Number.isFinite(duration))) {
    throw new ValidationError('The sync run field durationMs must be a number or null.');
  }
  return {
    finishedAt: text('finishedAt'),
    status: result.status,
    tag: text('tag'),
    previousTag: text('previousTag'),
    files: count('files'),
    bytes: count('bytes'),
    skipped: count('skipped'),
    durationMs: duration,
    error: text('error'),
  };
}
