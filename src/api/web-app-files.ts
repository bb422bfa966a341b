import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import * as path from 'node:path';
import { Readable } from 'node:stream';

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

const missingBuildPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Quarry</title></head>
<body><h1>Quarry is running</h1><p>The web app has not been built yet: run <code>npm run build:web</code>
(or <code>npm start</code>, which builds it), then reload. The API is at <a href="/api/docs">/api/docs</a>.</p></body></html>`;

/**
 * Serves the built web app from `root` (`web/dist`): files by path, and `index.html` for any other path
 * without an extension (the app's own routes). Paths are resolved inside `root` only. Hashed assets are
 * cached for a year; `index.html` never, so a new build shows at once.
 */
export function createWebAppFiles(root: string): (requestPath: string) => Promise<Response | undefined> {
  const resolvedRoot = path.resolve(root);
  return async (requestPath) => {
    const relative = safeRelativePath(requestPath);
    if (relative === undefined) return undefined;
    const file = path.join(resolvedRoot, relative === '' ? 'index.html' : relative);
    const found = await fileResponse(file, relative.startsWith('assets/'));
    if (found || path.extname(relative) !== '') return found;
    return (await fileResponse(path.join(resolvedRoot, 'index.html'), false)) ?? missingBuild();
  };
}

/** The decoded path without its leading slash, or `undefined` when it would leave the root. */
function safeRelativePath(requestPath: string): string | undefined {
  let decoded: string;
  try {
    decoded = decodeURIComponent(requestPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return undefined;
  const segments = decoded.split('/').filter((segment) => segment !== '');
  if (segments.some((segment) => segment === '..' || segment.startsWith('.'))) return undefined;
  return segments.join('/');
}

async function fileResponse(file: string, immutable: boolean): Promise<Response | undefined> {
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      'Content-Type': contentTypes[path.extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(info.size),
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    },
  });
}

function missingBuild(): Response {
  return new Response(missingBuildPage, { headers: { 'Content-Type': 'text/html; charset=utf-8' } });
}
