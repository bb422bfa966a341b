import pg from 'pg';
import { QuarryError, ValidationError } from '../../core/errors/index.ts';
import { createRedactor } from '../../core/redact.ts';
import { connectionFailure, createPgSqlClient } from './pg-sql-client.ts';
import type { SqlClient } from './sql-client.ts';
import { isServerError, translatePostgresError } from './translate-postgres-error.ts';

/** Options of {@link connectPostgres}. */
export interface ConnectPostgresOptions {
  /** Most connections the pool opens at once (default 10). */
  maxConnections?: number;
  /** How long to wait for a new connection before failing, in milliseconds (default 10 000). */
  connectTimeoutMs?: number;
}

/**
 * Opens a `pg` connection pool for a `postgres://user:password@host:5432/database` URL and checks that the
 * server answers, so a wrong host or password fails at start rather than at the first search. Failures are
 * `UpstreamError`s (or `ValidationError`s for a malformed URL) whose message names the server without the
 * password, and whose cause carries no copy of the connection string.
 */
export async function connectPostgres(
  connectionString: string,
  options: ConnectPostgresOptions = {},
): Promise<SqlClient> {
  const target = describeTarget(connectionString);
  const redact = createRedactor([connectionString, ...passwordsIn(connectionString)]);
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  // The server closing an idle connection emits `error` on the pool, which would end the process if
  // nobody listened; the next statement that needs a connection reports the failure instead.
  pool.on('error', () => undefined);
  const client = createPgSqlClient(pool, { redact, target });
  try {
    await client.query('SELECT 1');
    return client;
  } catch (error) {
    await pool.end().catch(() => undefined);
    const translated = translatePostgresError(error);
    throw isServerError(translated) || !QuarryError.is(translated)
      ? connectionFailure(error, target, redact)
      : translated;
  }
}

/** `postgres://user@host:5432/database`: enough to recognise the server, nothing secret. */
function describeTarget(connectionString: string): string {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    // The parser's error quotes the input, password included, so none of it is passed on.
    throw new ValidationError('The PostgreSQL connection string is not a valid URL.', {
      hint: 'Write it as postgres://user:password@host:5432/database, percent-encoding special characters of the password.',
    });
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ValidationError(
      `A PostgreSQL connection string starts with postgres://, not ${url.protocol}//.`,
      {
        hint: 'Write it as postgres://user:password@host:5432/database.',
      },
    );
  }
  const user = url.username === '' ? '' : `${url.username}@`;
  return `${url.protocol}//${user}${url.host}${url.pathname}`;
}

/** The password as written in the URL, decoded, and as a `password=` query parameter. */
function passwordsIn(connectionString: string): string[] {
  const passwords: string[] = [];
  const url = new URL(connectionString);
  for (const written of [url.password, url.searchParams.get('password') ?? '']) {
    if (written === '') continue;
    passwords.push(written, encodeURIComponent(written));
    try {
      passwords.push(decodeURIComponent(written));
    } catch {
      // A password with a stray % is used as written; that form is already in the list.
    }
  }
  return passwords;
}
