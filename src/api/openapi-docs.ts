import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { AppEnvironment } from './app-dependencies.ts';

/** Swagger UI's files served under `/api/docs/`, from the `swagger-ui-dist` package (no CDN). */
const assets: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

const docsPage = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Quarry API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/api/docs/swagger-ui-bundle.js"></script>
<script src="/api/docs/init.js"></script></body>
</html>`;

// A separate file rather than an inline script, so the page works under a CSP without 'unsafe-inline'.
const initScript = `window.ui = SwaggerUIBundle({ url: '/api/openapi.json', dom_id: '#swagger-ui', withCredentials: true });`;

/**
 * `GET /api/openapi.json` (OpenAPI 3.1, generated from the routes' zod schemas) and `GET /api/docs` (an
 * interactive page) for Quarry `version`. Both are open: they describe the API, they do not use it.
 */
export function registerApiDocs(app: OpenAPIHono<AppEnvironment>, version: string): void {
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'An API key from "quarry keys create" or POST /api/keys',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'cookieAuth', {
    type: 'apiKey',
    in: 'cookie',
    name: 'quarry_session',
    description: 'The session cookie set by POST /api/auth/login',
  });
  app.doc31('/api/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Quarry API',
      version,
      description:
        'Ask, chat, search, generate code and manage synced repositories. Errors are {error: {code, message, hint?}}.',
    },
  });
  app.get('/api/docs', (context) => context.html(docsPage));
  app.get('/api/docs/init.js', (context) =>
    context.body(initScript, 200, { 'Content-Type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/api/docs/:file', async (context) => {
    const file = context.req.param('file');
    const type = assets[file];
    if (!type) return context.json({ error: { code: 'not_found', message: `There is no ${file}.` } }, 404);
    const folder = path.dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
    return context.body(await readFile(path.join(folder, file)), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
    });
  });
}
