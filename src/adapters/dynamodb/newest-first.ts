import type { Item } from './dynamodb-items.ts';

/** How {@link takeNewestFirst} reads and orders the items of an index query. */
export interface NewestFirstOptions<Record> {
  /** How many records to return; all of them when absent. */
  limit: number | undefined;
  /** The index's sort key of an item, by which the query returns items, greatest first. */
  sortKeyOf: (item: Item) => string;
  convert: (item: Item) => Record;
  /** The full order of the records (the sort key, then a tie-breaker the index does not know). */
  compare: (left: Record, right: Record) => number;
}

/**
 * Takes the first `limit` records of a query that returns items by descending sort key. An index orders
 * items that share a sort key arbitrarily, so it reads past the limit while the sort key still ties with
 * the last record taken, then orders everything read with the full order before cutting at the limit.
 */
export async function takeNewestFirst<Record>(
  items: AsyncIterable<Item>,
  options: NewestFirstOptions<Record>,
): Promise<Record[]> {
  const { limit } = options;
  if (limit === 0) return [];
  const taken: { sortKey: string; record: Record }[] = [];
  for await (const item of items) {
    const sortKey = options.sortKeyOf(item);
    const boundary = limit === undefined ? undefined : taken[limit - 1];
    if (boundary !== undefined && sortKey !== boundary.sortKey) break;
    taken.push({ sortKey, record: options.convert(item) });
  }
  const records = taken.map((entry) => entry.record).sort(options.compare);
  return limit === undefined ? records : records.slice(0, limit);
}
