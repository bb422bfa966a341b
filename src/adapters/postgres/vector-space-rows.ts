import { NotFoundError } from '../../core/errors/index.ts';
import type { SearchTables } from './search-tables.ts';
import type { SqlQueryable } from './sql-client.ts';

/** A row of the vector spaces table. */
export interface VectorSpaceRow {
  id: number;
  key: string;
  dimensions: number;
  state: 'active' | 'building';
  model: Record<string, unknown>;
}

const columns = 'id, key, dimensions, state, model';

/** Every vector space, oldest first. */
export async function listVectorSpaceRows(
  queryable: SqlQueryable,
  tables: SearchTables,
): Promise<VectorSpaceRow[]> {
  const { rows } = await queryable.query<VectorSpaceRow>(
    `SELECT ${columns} FROM ${tables.vectorSpaces} ORDER BY id`,
  );
  return rows;
}

/** The space serving queries, if any. */
export async function findActiveVectorSpace(
  queryable: SqlQueryable,
  tables: SearchTables,
): Promise<VectorSpaceRow | undefined> {
  const { rows } = await queryable.query<VectorSpaceRow>(
    `SELECT ${columns} FROM ${tables.vectorSpaces} WHERE state = 'active'`,
  );
  return rows[0];
}

/** The space with `key`, if any. */
export async function findVectorSpace(
  queryable: SqlQueryable,
  tables: SearchTables,
  key: string,
): Promise<VectorSpaceRow | undefined> {
  const { rows } = await queryable.query<VectorSpaceRow>(
    `SELECT ${columns} FROM ${tables.vectorSpaces} WHERE key = $1::text`,
    [key],
  );
  return rows[0];
}

/** The space with `key`; a missing one is a `NotFoundError`. */
export async function requireVectorSpace(
  queryable: SqlQueryable,
  tables: SearchTables,
  key: string,
): Promise<VectorSpaceRow> {
  const space = await findVectorSpace(queryable, tables, key);
  if (!space) throw new NotFoundError(`The index has no vector space ${key}.`);
  return space;
}

/**
 * Adds a space and its table of vectors, one row per chunk, dropped with the chunk. The table has no
 * approximate (HNSW) index on purpose: PostgreSQL would apply search filters after the approximate scan,
 * and a filtered search could come back with fewer hits than exist; searches scan the filtered chunks.
 */
export async function createVectorSpace(
  transaction: SqlQueryable,
  tables: SearchTables,
  space: Pick<VectorSpaceRow, 'key' | 'dimensions' | 'state' | 'model'> & { createdAt: string },
): Promise<void> {
  const inserted = await transaction.query<{ id: number }>(
    `INSERT INTO ${tables.vectorSpaces} (key, dimensions, state, model, created_at)
     VALUES ($1::text, $2::integer, $3::text, $4::jsonb, $5::timestamptz) RETURNING id`,
    [space.key, space.dimensions, space.state, JSON.stringify(space.model), space.createdAt],
  );
  const spaceId = inserted.rows[0]?.id as number;
  await transaction.query(
    `CREATE TABLE ${tables.vectors(spaceId)} (
       chunk_id bigint PRIMARY KEY REFERENCES ${tables.chunks} (id) ON DELETE CASCADE,
       embedding vector(${Math.trunc(space.dimensions)}) NOT NULL)`,
  );
}

/** Makes `target` the one active space, dropping every other space and its vectors. */
export async function activateVectorSpaceRow(
  transaction: SqlQueryable,
  tables: SearchTables,
  target: VectorSpaceRow,
): Promise<void> {
  const others = await transaction.query<{ id: number }>(
    `SELECT id FROM ${tables.vectorSpaces} WHERE id <> $1::integer`,
    [target.id],
  );
  for (const other of others.rows) {
    await transaction.query(`DROP TABLE ${tables.vectors(other.id)}`);
    await transaction.query(`DELETE FROM ${tables.vectorSpaces} WHERE id = $1::integer`, [other.id]);
  }
  await transaction.query(`UPDATE ${tables.vectorSpaces} SET state = 'active' WHERE id = $1::integer`, [
    target.id,
  ]);
}

/** How many chunks have a vector in the space. */
export async function countVectors(
  queryable: SqlQueryable,
  tables: SearchTables,
  spaceId: number,
): Promise<number> {
  const { rows } = await queryable.query<{ count: number }>(
    `SELECT count(*)::integer AS count FROM ${tables.vectors(spaceId)}`,
  );
  return rows[0]?.count ?? 0;
}
