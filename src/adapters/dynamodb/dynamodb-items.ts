import { ValidationError } from '../../core/errors/index.ts';

/**
 * The layout version every item this code writes carries in `schemaVersion`. Raise it when the meaning of
 * an attribute changes; readers refuse items of a later version instead of misreading them.
 */
export const itemSchemaVersion = 1;

/** An item as the document client returns it. */
export type Item = Record<string, unknown>;

/** DynamoDB stores at most 400 KB in one item. */
const maximumItemBytes = 400 * 1024;

/**
 * Reads the attributes of one item of `table`, checking each one's type, so a damaged or foreign item is a
 * clear error naming the table and attribute instead of a record with holes. Making one checks the item's
 * `schemaVersion` first.
 */
export class ItemReader {
  private readonly item: Item;
  private readonly table: string;

  /** `nested` reads a map inside an item, which carries no schema version of its own. */
  constructor(item: Item, table: string, options: { nested?: boolean } = {}) {
    this.item = item;
    this.table = table;
    if (options.nested !== true) checkSchemaVersion(item, table);
  }

  /** A string attribute. */
  text(name: string): string {
    const value = this.item[name];
    if (typeof value === 'string') return value;
    throw this.malformed(name, 'a string');
  }

  /** A string attribute that may be null (or absent). */
  optionalText(name: string): string | null {
    const value = this.item[name];
    if (value === null || value === undefined) return null;
    if (typeof value === 'string') return value;
    throw this.malformed(name, 'a string or null');
  }

  /** A number attribute. */
  number(name: string): number {
    const value = this.item[name];
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    throw this.malformed(name, 'a number');
  }

  /** A number attribute that may be null (or absent). */
  optionalNumber(name: string): number | null {
    const value = this.item[name];
    if (value === null || value === undefined) return null;
    return this.number(name);
  }

  /** A boolean attribute. */
  boolean(name: string): boolean {
    const value = this.item[name];
    if (typeof value === 'boolean') return value;
    throw this.malformed(name, 'a boolean');
  }

  /** A string attribute holding one of `allowed`. */
  oneOf<Value extends string>(name: string, allowed: readonly Value[]): Value {
    const value = this.item[name];
    if (allowed.includes(value as Value)) return value as Value;
    throw this.malformed(name, `one of ${allowed.join(', ')}`);
  }

  /** A string attribute holding one of `allowed`, or null (or absent). */
  optionalOneOf<Value extends string>(name: string, allowed: readonly Value[]): Value | null {
    const value = this.item[name];
    return value === null || value === undefined ? null : this.oneOf(name, allowed);
  }

  /** A list of strings. */
  textList(name: string): string[] {
    const value = this.item[name];
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'string')) return [...value];
    throw this.malformed(name, 'a list of strings');
  }

  /** A string attribute holding the JSON text of an object, parsed. */
  jsonObject(name: string): Record<string, unknown> {
    try {
      const parsed: unknown = JSON.parse(this.text(name));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
        return parsed as Record<string, unknown>;
      }
    } catch (error) {
      if (error instanceof ValidationError) throw error;
    }
    throw this.malformed(name, 'the JSON text of an object');
  }

  /** A map attribute, for nested readers. */
  map(name: string): Item {
    const value = this.item[name];
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Item;
    throw this.malformed(name, 'a map');
  }

  /** A list of maps, each read with its own reader. */
  mapList(name: string): Item[] {
    const value = this.item[name];
    if (Array.isArray(value) && value.every((entry) => typeof entry === 'object' && entry !== null)) {
      return value as Item[];
    }
    throw this.malformed(name, 'a list of maps');
  }

  private malformed(name: string, expected: string): ValidationError {
    return new ValidationError(
      `An item of the DynamoDB table ${this.table} has a malformed attribute ${name} (expected ${expected}).`,
      { hint: 'Someone edited the item by hand, or it was not written by Quarry; fix or delete the item.' },
    );
  }
}

/**
 * Refuses an item written by a later version of Quarry (or by something else), naming the table, so a
 * newer layout is never misread.
 */
export function checkSchemaVersion(item: Item, table: string): void {
  const version = item.schemaVersion;
  if (typeof version === 'number' && Number.isInteger(version) && version >= 1) {
    if (version <= itemSchemaVersion) return;
    throw new ValidationError(
      `An item of the DynamoDB table ${table} was written by a newer version of Quarry ` +
        `(schema version ${version}; this version reads up to ${itemSchemaVersion}).`,
      { hint: 'Upgrade Quarry on this machine to the version that wrote the catalog.' },
    );
  }
  throw new ValidationError(`An item of the DynamoDB table ${table} has no valid schemaVersion attribute.`, {
    hint: "The item was not written by Quarry; remove it, or point catalog.location (QUARRY_CATALOG=dynamodb://<prefix>) at Quarry's own tables.",
  });
}

/**
 * A close upper bound of the bytes DynamoDB counts for `item` (names and values, UTF-8), so that an item
 * too large to store is refused before anything is written.
 */
function estimateItemBytes(item: unknown): number {
  if (typeof item === 'string') return Buffer.byteLength(item, 'utf8');
  if (typeof item === 'number') return 21;
  if (typeof item === 'boolean' || item === null || item === undefined) return 1;
  if (Array.isArray(item))
    return item.reduce((total: number, entry) => total + 1 + estimateItemBytes(entry), 3);
  if (typeof item === 'object') {
    return Object.entries(item).reduce(
      (total, [name, value]) => total + 1 + Buffer.byteLength(name, 'utf8') + estimateItemBytes(value),
      3,
    );
  }
  return 0;
}

/** Refuses an item DynamoDB would not store, describing it as `what`, with `hint` on what to do. */
export function checkItemFits(item: Item, what: string, hint: string): void {
  const bytes = estimateItemBytes(item);
  if (bytes <= maximumItemBytes) return;
  throw new ValidationError(
    `${what} takes about ${Math.ceil(bytes / 1024)} KB, more than the 400 KB DynamoDB stores in one item.`,
    { hint },
  );
}

/** DynamoDB's limits on key attributes: partition keys up to 2048 bytes, sort keys up to 1024. */
export const keyLimits = { partition: 2048, sort: 1024 } as const;

/** Returns `value` when it is a non-empty string that fits a key of `maximumBytes`; refuses it otherwise. */
export function checkKeyText(
  value: unknown,
  what: string,
  maximumBytes: number = keyLimits.partition,
): string {
  if (typeof value !== 'string' || value === '') {
    throw new ValidationError(`${what} must be a non-empty string.`);
  }
  if (Buffer.byteLength(value, 'utf8') > maximumBytes) {
    throw new ValidationError(`${what} is longer than the ${maximumBytes} bytes DynamoDB allows in a key.`);
  }
  return value;
}

/** Whether `value` could be a key at all; a lookup of one that cannot simply finds nothing. */
export function isPossibleKeyText(
  value: unknown,
  maximumBytes: number = keyLimits.partition,
): value is string {
  return typeof value === 'string' && value !== '' && Buffer.byteLength(value, 'utf8') <= maximumBytes;
}
