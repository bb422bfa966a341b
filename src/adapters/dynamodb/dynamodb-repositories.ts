import { duplicateRepo } from '../../core/catalog-input/catalog-conflicts.ts';
import { repoNotFound } from '../../core/catalog-input/catalog-not-found.ts';
import { newRepoRecord } from '../../core/catalog-input/new-repo-record.ts';
import { ValidationError } from '../../core/errors/index.ts';
import type { RepoRecord, RepoSettings, SyncStatus } from '../../core/ports/catalog.ts';
import { type CatalogContext, tableOf } from './catalog-context.ts';
import { existsInKnownLayout, expression, setFields } from './dynamodb-expressions.ts';
import { checkKeyText, type Item, ItemReader, itemSchemaVersion } from './dynamodb-items.ts';
import {
  collect,
  deleteItem,
  explainRefusedWrite,
  getItem,
  putItem,
  scanItems,
  type TableHandle,
  updateItem,
} from './dynamodb-requests.ts';
import { asciiLowerCase, compareText } from './text-order.ts';

const trackModes = ['releases', 'tags'] as const;
const origins = ['config', 'user'] as const;
const syncStatuses: readonly SyncStatus[] = ['updated', 'unchanged', 'no-release', 'failed'];

/**
 * The watched repositories, one item each in the repositories table, keyed by the lower-cased id
 * (`idLowerCase`) so that lookups ignore case while `id` keeps the spelling given. Each change is one
 * conditional write on one item, so two edits of one repository both land whole, field by field.
 */
export class DynamoDbRepositories {
  private readonly table: TableHandle;

  constructor(context: CatalogContext) {
    this.table = tableOf(context, 'repositories');
  }

  /** See `RepositoryCatalog.addRepo`. */
  async add(settings: RepoSettings): Promise<RepoRecord> {
    const record = newRepoRecord(checkSettings(settings));
    if (await putItem(this.table, repoToItem(record), expression('attribute_not_exists(#idLowerCase)'))) {
      return record;
    }
    const existing = await this.get(record.id);
    throw duplicateRepo(existing?.id ?? record.id);
  }

  /** See `RepositoryCatalog.getRepo`. */
  async get(id: string): Promise<RepoRecord | undefined> {
    const item = await getItem(this.table, keyOf(id));
    return item === undefined ? undefined : this.fromItem(item);
  }

  /** See `RepositoryCatalog.listRepos`: a scan, since a team watches tens of repositories, not millions. */
  async list(): Promise<RepoRecord[]> {
    const records = (await collect(scanItems(this.table))).map((item) => this.fromItem(item));
    return records.sort(
      (left, right) =>
        compareText(asciiLowerCase(left.id), asciiLowerCase(right.id)) || compareText(left.id, right.id),
    );
  }

  /**
   * See `RepositoryCatalog.updateRepo`. One UpdateItem sets exactly the given fields, so a concurrent edit
   * of other fields is never lost, and returns the whole item as it is after the update.
   */
  async update(id: string, changes: Partial<Omit<RepoRecord, 'id'>>): Promise<RepoRecord> {
    const fields = checkChanges(changes);
    const key = keyOf(id);
    if (Object.keys(fields).length === 0) {
      const current = await this.get(id);
      if (current === undefined) throw repoNotFound(id);
      return current;
    }
    const condition = existsInKnownLayout('idLowerCase', itemSchemaVersion);
    const item = await updateItem(this.table, key, setFields(fields), condition);
    if (item === undefined) return explainRefusedWrite(this.table, key, () => repoNotFound(id));
    return this.fromItem(item);
  }

  /** See `RepositoryCatalog.removeRepo`. */
  async remove(id: string): Promise<void> {
    const outcome = await deleteItem(this.table, keyOf(id), expression('attribute_exists(#idLowerCase)'));
    if (!outcome.deleted) throw repoNotFound(id);
  }

  private fromItem(item: Item): RepoRecord {
    const reader = new ItemReader(item, this.table.table);
    return {
      id: reader.text('id'),
      enabled: reader.boolean('enabled'),
      ignoreFile: reader.optionalText('ignoreFile'),
      track: reader.oneOf('track', trackModes),
      asset: reader.optionalText('asset'),
      version: reader.optionalText('version'),
      modified: reader.optionalText('modified'),
      lastCheckedAt: reader.optionalText('lastCheckedAt'),
      etag: reader.optionalText('etag'),
      status: reader.optionalOneOf('status', syncStatuses),
      error: reader.optionalText('error'),
      files: reader.number('files'),
      bytes: reader.number('bytes'),
      origin: reader.oneOf('origin', origins),
    };
  }
}

function keyOf(id: string): Item {
  return { idLowerCase: asciiLowerCase(checkKeyText(id, 'A repository id')) };
}

function repoToItem(record: RepoRecord): Item {
  return { idLowerCase: asciiLowerCase(record.id), ...record, schemaVersion: itemSchemaVersion };
}

function checkSettings(settings: RepoSettings): RepoSettings {
  if (typeof settings !== 'object' || settings === null) {
    throw new ValidationError('The settings of a repository must be an object.');
  }
  const checked = checkChanges(settings);
  return {
    id: checkKeyText(settings.id, 'A repository id'),
    enabled: required(checked.enabled, 'enabled'),
    ignoreFile: checked.ignoreFile ?? null,
    track: required(checked.track, 'track'),
    asset: checked.asset ?? null,
    origin: required(checked.origin, 'origin'),
  };
}

function required<Value>(value: Value | undefined, field: string): Value {
  if (value !== undefined) return value;
  throw new ValidationError(`The repository setting ${field} is missing.`);
}

/** The checks on each field of a repository record, by field; each returns the value or throws. */
const fieldChecks: Record<string, (value: unknown, field: string) => unknown> = {
  enabled: (value, field) => (typeof value === 'boolean' ? value : refuse(field, 'true or false')),
  ignoreFile: optionalText,
  track: (value, field) => oneOf(value, field, trackModes),
  asset: optionalText,
  version: optionalText,
  modified: optionalText,
  lastCheckedAt: optionalText,
  etag: optionalText,
  status: (value, field) => (value === null ? null : oneOf(value, field, syncStatuses)),
  error: optionalText,
  files: count,
  bytes: count,
  origin: (value, field) => oneOf(value, field, origins),
};

/** The known fields of `changes` that are present, each checked; the id and unknown fields are left out. */
function checkChanges(changes: Partial<RepoRecord>): Partial<Omit<RepoRecord, 'id'>> {
  if (typeof changes !== 'object' || changes === null) {
    throw new ValidationError('The changes to a repository must be an object.');
  }
  const checked: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(changes)) {
    const check = Object.hasOwn(fieldChecks, field) ? fieldChecks[field] : undefined;
    if (check !== undefined && value !== undefined) checked[field] = check(value, field);
  }
  return checked as Partial<Omit<RepoRecord, 'id'>>;
}

function optionalText(value: unknown, field: string): string | null {
  return value === null || typeof value === 'string' ? value : refuse(field, 'a string or null');
}

function count(value: unknown, field: string): number {
  return Number.isSafeInteger(value) && (value as number) >= 0
    ? (value as number)
    : refuse(field, 'a whole number');
}

function oneOf<Value>(value: unknown, field: string, allowed: readonly Value[]): Value {
  return allowed.includes(value as Value) ? (value as Value) : refuse(field, allowed.join(' or '));
}

function refuse(field: string, expected: string): never {
  throw new ValidationError(`The repository field ${field} must be ${expected}.`, {
    hint: 'Check the value against the fields of a repository record.',
  });
}
