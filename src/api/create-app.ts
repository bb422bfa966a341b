import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { validationHook } from './api-schemas.ts';
import type { AppDependencies, AppEnvironment } from './app-dependencies.ts';
import { authenticate } from './auth/authenticate.ts';
import { checkOrigin } from './auth/check-origin.ts';
import { createLoginRateLimiter } from './auth/login-rate-limiter.ts';
import { HttpError, handleError } from './http-errors.ts';
import { registerApiDocs } from './openapi-docs.ts';
import { registerAccountRoutes } from './routes/account-routes.ts';
import { registerAskRoute } from './routes/ask-routes.ts';
import { registerIdentityRoute, registerLoginRoutes } from './routes/auth-routes.ts';
import { registerChatRoute } from './routes/chat-routes.ts';
import { registerCodeGenerationRoutes } from './routes/code-generation-routes.ts';
import { registerConversationRoutes } from './routes/conversation-routes.ts';
import { registerHealthRoutes } from './routes/health-routes.ts';
import { registerModelRoutes } from './routes/model-routes.ts';
import { registerOpenAiRoutes } from './routes/openai-routes.ts';
import { registerPasswordRoute } from './routes/password-route.ts';
import { registerRepoRoutes } from './routes/repo-routes.ts';
import { registerSearchRoutes } from './routes/search-routes.ts';
import { registerSourceRoutes } from './routes/source-routes.ts';
import { registerSyncRoutes } from './routes/sync-routes.ts';
import { securityHeaders } from './security-headers.ts';

/** Paths under which every request must be authenticated (the web app's files and health checks are open). */
const protectedPrefixes = ['/api/', '/v1/', '/code_generation'];
/** Open paths inside the protected prefixes. */
const openPaths = new Set(['/api/auth/login', '/api/auth/logout', '/api/openapi.json']);

/**
 * The whole HTTP API and the web app as one Hono app. It takes every port and setting as an argument and
 * reads no environment, so Node (`server.ts`), AWS Lambda (`lambda.ts`) and tests run the same app.
 */
export function createApp(dependencies: AppDependencies): OpenAPIHono<AppEnvironment> {
  const app = new OpenAPIHono<AppEnvironment>({ defaultHook: validationHook });
  app.onError(handleError(dependencies.logger));
  app.use('*', async (context, next) => {
    context.set('dependencies', dependencies);
    await next();
  });
  app.use('*', securityHeaders());
  app.use(
    '*',
    checkHost(() => dependencies.settings.allowedHosts),
  );
  app.use('*', limitBody(dependencies.settings.maxBodyBytes));
  registerHealthRoutes(app);
  registerApiDocs(app, dependencies.version);
  const { loginAttempts, loginWindowMs } = dependencies.settings;
  const now = () => dependencies.clock().getTime();
  const limiters = {
    perName: createLoginRateLimiter({ attempts: loginAttempts, windowMs: loginWindowMs, now }),
    perAddress: createLoginRateLimiter({ attempts: loginAttempts * 4, windowMs: loginWindowMs, now }),
  };
  registerLoginRoutes(app, limiters);
  app.use('*', protect([authenticate(), checkOrigin()]));
  registerIdentityRoute(app);
  registerPasswordRoute(app, limiters);
  registerCodeGenerationRoutes(app);
  registerAskRoute(app);
  registerChatRoute(app);
  registerSearchRoutes(app);
  registerRepoRoutes(app);
  registerSyncRoutes(app);
  registerModelRoutes(app);
  registerConversationRoutes(app);
  registerSourceRoutes(app);
  registerAccountRoutes(app);
  registerOpenAiRoutes(app);
  app.notFound((context) => serveWebApp(context.req.path, dependencies));
  return app;
}

/** Runs `handlers` in turn for protected paths only. */
function protect(handlers: MiddlewareHandler<AppEnvironment>[]): MiddlewareHandler<AppEnvironment> {
  return async (context, next) => {
    const path = context.req.path;
    if (isOpenPath(path)) return next();
    const run = async (index: number): Promise<void> => {
      const handler = handlers[index];
      if (handler === undefined) return next();
      await handler(context, () => run(index + 1));
    };
    await run(0);
  };
}

function isOpenPath(path: string): boolean {
  if (openPaths.has(path) || path === '/api/docs' || path.startsWith('/api/docs/')) return true;
  return !protectedPrefixes.some((prefix) => path.startsWith(prefix));
}

/**
 * DNS-rebinding defence for a server on loopback: a page whose own name was re-pointed at 127.0.0.1 sends
 * its name in `Host`, which is not one of the server's. Without a list (behind a proxy, on Lambda) any
 * `Host` is accepted.
 */
function checkHost(allowed: () => readonly string[] | undefined): MiddlewareHandler {
  return async (context, next) => {
    const allowedHosts = allowed();
    const host = context.req.header('host')?.toLowerCase();
    if (allowedHosts && allowedHosts.length > 0 && host !== undefined && !allowedHosts.includes(host)) {
      throw new HttpError(421, 'misdirected', `This server does not answer for the host ${host}.`, {
        hint: 'Open Quarry at the address it printed, or add the name to server.trustedOrigins.',
      });
    }
    await next();
  };
}

function limitBody(maxSize: number): MiddlewareHandler {
  return bodyLimit({
    maxSize,
    onError: () => {
      throw new HttpError(413, 'payload_too_large', `The request body is larger than ${maxSize} bytes.`, {
        hint: 'Send a shorter request.',
      });
    },
  });
}

/** Unknown API paths are JSON 404s; every other path is the web app (its `index.html` for client routes). */
async function serveWebApp(path: string, dependencies: AppDependencies): Promise<Response> {
  const isApi = protectedPrefixes.some((prefix) => path.startsWith(prefix)) || path === '/api';
  const response = isApi ? undefined : await dependencies.webApp?.(path);
  if (response) return response;
  return Response.json(
    {
      error: {
        code: 'not_found',
        message: `There is nothing at ${path}.`,
        hint: 'See /api/docs for the API.',
      },
    },
    { status: 404 },
  );
}
