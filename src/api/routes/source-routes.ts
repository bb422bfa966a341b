import { Readable } from 'node:stream';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { NotFoundError, UnsafeInputError } from '../../core/errors/index.ts';
import { assertObjectKey } from '../../core/ports/object-key.ts';
import { authenticated, errorSchema } from '../api-schemas.ts';
import type { AppEnvironment } from '../app-dependencies.ts';
import { HttpError } from '../http-errors.ts';

/** Only what users may read: synced releases and generated code, never staging or anything else. */
const readablePrefixes = ['current/', 'archived/', 'code_output/'];

/**
 * `GET /api/sources/{key}`: a stored file as plain text, for the source viewer. The key is checked
 * before the store is touched: only the readable prefixes, no `.`/`..`/empty segments, no backslashes or
 * control characters. The file is streamed, never interpreted as HTML, and sandboxed.
 */
export function registerSourceRoutes(app: OpenAPIHono<AppEnvironment>): void {
  app.get('/api/sources/:key{.+}', async (context) => {
    const key = checkSourceKey(context.req.param('key'));
    // Generated code (and its sidecar, which holds the request) is not shared between members.
    if (key.startsWith('code_output/') && context.var.identity.user.role !== 'admin') {
      throw new NotFoundError(`There is no stored file ${key} you may read.`, {
        hint: 'Generated code is returned in the response that made it.',
      });
    }
    const { store, settings } = context.var.dependencies;
    const info = await store.head(key);
    if (!info)
      throw new NotFoundError(`There is no stored file ${key}.`, {
        hint: 'The release may have been replaced; search again.',
      });
    if (info.size > settings.maxSourceBytes) {
      throw new HttpError(
        413,
        'payload_too_large',
        `${key} is ${info.size} bytes, more than the viewer shows (${settings.maxSourceBytes}).`,
      );
    }
    const body = Readable.toWeb(Readable.from(await store.get(key))) as ReadableStream<Uint8Array>;
    return new Response(body, {
      headers: {
        'Content-Type': 'text/plain; charset=utf-8',
        'Content-Length': String(info.size),
        'Cache-Control': 'private, no-cache',
      },
    });
  });
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/api/sources/{key}',
    tags: ['knowledge'],
    summary: 'A stored file (synced release or generated code) as plain text, by object key',
    security: authenticated,
    responses: {
      200: { description: 'The file', content: { 'text/plain': { schema: { type: 'string' } } } },
      400: { description: 'Unsafe key', content: { 'application/json': { schema: errorSchema } } },
      404: { description: 'No such file', content: { 'application/json': { schema: errorSchema } } },
      413: {
        description: 'File too large to show',
        content: { 'application/json': { schema: errorSchema } },
      },
    },
  });
}

/** The key when it is safe to read; an `UnsafeInputError` (400) naming the problem otherwise. */
export function checkSourceKey(key: string): string {
  const problem = sourceKeyProblem(key);
  if (problem) {
    throw new UnsafeInputError(`The source key was refused: ${problem}.`, {
      hint: 'Use the key a search or an answer returned (it starts with current/, archived/ or code_output/).',
    });
  }
  assertObjectKey(key);
  return key;
}

function sourceKeyProblem(key: string): string | undefined {
  if (!readablePrefixes.some((prefix) => key.startsWith(prefix))) return 'it is outside the readable folders';
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is refused.
  if (/[\\\u0000-\u001f]/.test(key)) return 'it contains a backslash or a control character';
  if (key.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'it has an empty, "." or ".." path segment';
  }
  return undefined;
}
