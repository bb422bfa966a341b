import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../../core/errors/index.ts';
import { applySqliteMigrations, type SqliteMigration } from './sqlite-migrations.ts';

const first: SqliteMigration = { version: 1, name: 'notes', sql: 'CREATE TABLE notes (body TEXT) STRICT' };
const second: SqliteMigration = { version: 2, name: 'tags', sql: 'CREATE TABLE tags (name TEXT) STRICT' };
const clock = () => new Date('2025-01-01T00:00:00.000Z');

describe('applySqliteMigrations', () => {
  let folder: string;
  let database: Database.Database;

  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'quarry-'));
    database = new Database(path.join(folder, 'migrations.db'));
  });
  afterEach(async () => {
    database.close();
    await fs.rm(folder, { recursive: true, force: true });
  });

  function tables(): string[] {
    const rows = database
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all();
    return rows.map((row) => row.name);
  }

  it('applies only the migrations added since the last run', () => {
    expect(applySqliteMigrations(database, { scope: 'notes', migrations: [first], clock })).toEqual([1]);
    database.prepare('INSERT INTO notes (body) VALUES (?)').run('kept');
    expect(applySqliteMigrations(database, { scope: 'notes', migrations: [first, second], clock })).toEqual([
      2,
    ]);
    expect(applySqliteMigrations(database, { scope: 'notes', migrations: [first, second], clock })).toEqual(
      [],
    );
    expect(tables()).toEqual(['notes', 'schema_migrations', 'tags']);
    expect(database.prepare('SELECT body FROM notes').all()).toEqual([{ body: 'kept' }]);
  });

  it('keeps the versions of different scopes apart', () => {
    applySqliteMigrations(database, { scope: 'notes', migrations: [first], clock });
    const other: SqliteMigration = { version: 1, name: 'other', sql: 'CREATE TABLE other (id TEXT) STRICT' };
    expect(applySqliteMigrations(database, { scope: 'other', migrations: [other], clock })).toEqual([1]);
    expect(tables()).toEqual(['notes', 'other', 'schema_migrations']);
  });

  it('rolls a failing migration back completely', () => {
    const broken: SqliteMigration = {
      version: 2,
      name: 'broken',
      sql: 'CREATE TABLE tags (name TEXT) STRICT; CREATE TABLE notes (body TEXT)',
    };
    applySqliteMigrations(database, { scope: 'notes', migrations: [first], clock });
    expect(() =>
      applySqliteMigrations(database, { scope: 'notes', migrations: [first, broken], clock }),
    ).toThrow(/already exists/);
    expect(tables()).toEqual(['notes', 'schema_migrations']);
    expect(applySqliteMigrations(database, { scope: 'notes', migrations: [first, second], clock })).toEqual([
      2,
    ]);
  });

  it('refuses migrations that are not numbered 1, 2, 3, ...', () => {
    expect(() => applySqliteMigrations(database, { scope: 'notes', migrations: [second], clock })).toThrow(
      ValidationError,
    );
    expect(tables()).toEqual([]);
  });
});
