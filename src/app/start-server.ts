import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { serve } from '@hono/node-server';
import { ensureAdminAccount } from '../accounts/ensure-admin.ts';
import type { ModelAccess } from '../api/app-dependencies.ts';
import { createApp } from '../api/create-app.ts';
import { createWebAppFiles } from '../api/web-app-files.ts';
import { dependenciesFromServices } from './create-app-dependencies.ts';
import type { Services } from './create-services.ts';
import { createModelPool } from './model-pool.ts';
import { startServerSchedule } from './server-schedule.ts';

/** Where the built web app is, relative to this file: `web/dist` at the repository root. */
export const defaultWebRoot = path.resolve(import.meta.dirname, '../../web/dist');

/** Options of {@link startServer}. */
export interface ServerOptions {
  host: string;
  port: number;
  /** Run the sync + index schedule (every `sync.intervalMinutes`) and the crawl schedule (every `crawl.intervalMinutes`), the first passes right away. */
  schedule: boolean;
  webRoot?: string;
  /** Opens models instead of the pool (tests use a fixed model). */
  openModel?: ModelAccess['open'];
  /** Receives the few lines meant for the person who started the server (the first admin's password). */
  announce: (line: string) => void;
}

/** A listening server. */
export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `quarry serve`, built from the composition root's services: the first admin account, the model pool, the app, the
 * HTTP listener and the in-process schedule. Everything it opens, `close` releases.
 */
export async function startServer(services: Services, options: ServerOptions): Promise<RunningServer> {
  await createFirstAdmin(services, options);
  const pool = createModelPool(services);
  const dependencies = dependenciesFromServices(services, {
    openModel: options.openModel ?? ((reference) => pool.open(reference)),
    webApp: createWebAppFiles(options.webRoot ?? defaultWebRoot),
  });
  const app = createApp(dependencies);
  const server = serve({ fetch: app.fetch, hostname: options.host, port: options.port });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address() as AddressInfo;
  if (isLoopback(options.host))
    dependencies.settings.allowedHosts = loopbackHosts(address.port, dependencies.settings.trustedOrigins);
  const schedule = options.schedule ? startServerSchedule(services, dependencies.sync) : undefined;
  return {
    url: `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`,
    close: async () => {
      await schedule?.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await dependencies.sync.idle();
      await pool.close();
    },
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || host.startsWith('127.');
}

/** The names a browser on this machine uses for a loopback server, plus the trusted origins' hosts. */
function loopbackHosts(port: number, trustedOrigins: readonly string[]): string[] {
  const local = ['localhost', '127.0.0.1', '[::1]'].map((name) => `${name}:${port}`);
  return [...local, ...trustedOrigins.map((origin) => new URL(origin).host)];
}

/** On the very first start, creates `admin`; a generated password is announced once and never logged. */
async function createFirstAdmin(services: Services, options: ServerOptions): Promise<void> {
  const password = services.surroundings.environment.QUARRY_ADMIN_PASSWORD;
  const result = await ensureAdminAccount(
    { catalog: services.catalog, clock: () => new Date() },
    password ? { password } : {},
  );
  if (!result.created) return;
  if (result.generated) {
    options.announce(`Created the account "admin". Its password, shown only this once: ${result.password}`);
    options.announce(
      'Sign in and keep it somewhere safe, or set QUARRY_ADMIN_PASSWORD before the first start.',
    );
  } else {
    options.announce('Created the account "admin" with the password from QUARRY_ADMIN_PASSWORD.');
  }
}
