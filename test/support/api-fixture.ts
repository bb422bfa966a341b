import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import { createApiKey } from '../../src/accounts/api-keys.ts';
import { createUser } from '../../src/accounts/users.ts';
import type { AppDependencies, AppEnvironment, AppSettings } from '../../src/api/app-dependencies.ts';
import { createApp } from '../../src/api/create-app.ts';
import { dependenciesFromServices } from '../../src/app/create-app-dependencies.ts';
import type { Services } from '../../src/app/create-services.ts';
import { openQuarry } from '../../src/app/open-quarry.ts';
import type { LanguageRuntime } from '../../src/core/ports/language-runtime.ts';

/** Files of the synced release `acme/widgets@v1.0.0` the fixture indexes. */
export const widgetFiles: Record<string, string> = {
  'README.md': '# Widgets\n\nWidgets retry failed calls. See `retryWithBackoff` in src/retry.ts.\n',
  'src/retry.ts': [
    '/** Calls `task` again after a failure, waiting twice as long each time. */',
    'export async function retryWithBackoff<T>(task: () => Promise<T>, attempts = 3): Promise<T> {',
    '  let delay = 100;',
    '  for (let attempt = 1; ; attempt++) {',
    '    try {',
    '      return await task();',
    '    } catch (error) {',
    '      if (attempt >= attempts) throw error;',
    '      await new Promise((resolve) => setTimeout(resolve, delay));',
    '      delay *= 2;',
    '    }',
    '  }',
    '}',
    '',
  ].join('\n'),
  'src/widget.ts': 'export interface WidgetProps {\n  name: string;\n  color: "red" | "blue";\n}\n',
};

/** Who a fixture request acts as. */
export type Caller = 'admin' | 'member' | 'anonymous';

/** An app over real adapters in a temporary folder, with an admin and a member holding API keys. */
export interface ApiFixture {
  app: OpenAPIHono<AppEnvironment>;
  dependencies: AppDependencies;
  services: Services;
  home: string;
  keys: { admin: string; member: string };
  /** The passwords of the `admin` and `member` accounts. */
  passwords: { admin: string; member: string };
  /** Sends a request to the app in-process, authenticated with the caller's API key (admin by default). */
  request(path: string, init?: RequestInit & { as?: Caller }): Promise<Response>;
  /** The model every request gets (`undefined`: none available, answers become retrieval-only). */
  setRuntime(runtime: LanguageRuntime | undefined): void;
  close(): Promise<void>;
}

/** Options of {@link createApiFixture}. */
export interface ApiFixtureOptions {
  runtime?: LanguageRuntime;
  settings?: Partial<AppSettings>;
  /** Extra `quarry.config.yaml` lines. */
  config?: string;
}

/**
 * Builds the app the way `quarry serve` does (same services, same dependency wiring), over a temporary
 * QUARRY_HOME holding one synced and indexed repository, `acme/widgets@v1.0.0`.
 */
export async function createApiFixture(options: ApiFixtureOptions = {}): Promise<ApiFixture> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'quarry-api-'));
  await writeFile(path.join(cwd, 'quarry.config.yaml'), `sync:\n  repos: []\n${options.config ?? ''}`);
  const services = await openQuarry({
    cwd,
    environment: {},
    flags: { logLevel: 'silent' },
    logFormat: 'json',
    write: () => {},
  });
  const { config } = services;
  await seedRelease(services);
  let runtime = options.runtime;
  const base = dependenciesFromServices(services, {
    openModel: async () => (runtime ? { runtime } : { runtime: undefined, reason: 'no model in this test' }),
  });
  const dependencies: AppDependencies = { ...base, settings: { ...base.settings, ...options.settings } };
  const app = createApp(dependencies);
  const accounts = await seedAccounts(dependencies);
  return {
    app,
    dependencies,
    services,
    home: config.home,
    ...accounts,
    request: (requestPath, init = {}) => {
      const { as = 'admin', ...rest } = init;
      const headers = new Headers(rest.headers);
      if (as !== 'anonymous' && !headers.has('authorization'))
        headers.set('authorization', `Bearer ${accounts.keys[as]}`);
      return Promise.resolve(app.request(requestPath, { ...rest, headers }));
    },
    setRuntime: (next) => {
      runtime = next;
    },
    close: async () => {
      await dependencies.sync.idle();
      await services.close();
      await rm(cwd, { recursive: true, force: true });
    },
  };
}

async function seedRelease(services: Services): Promise<void> {
  for (const [file, text] of Object.entries(widgetFiles)) {
    await services.store.put(`current/acme/widgets/v1.0.0/${file}`, Buffer.from(text));
  }
  await services.catalog.addRepo({
    id: 'acme/widgets',
    enabled: true,
    origin: 'user',
    ignoreFile: null,
    track: 'releases',
    asset: null,
  });
  const repo = await services.catalog.updateRepo('acme/widgets', { version: 'v1.0.0', status: 'updated' });
  await (await services.knowledge()).indexRepository(repo);
}

async function seedAccounts(dependencies: AppDependencies) {
  const passwords = { admin: 'admin-password-0001', member: 'member-password-0001' };
  await createUser(dependencies, { id: 'admin', role: 'admin', password: passwords.admin });
  await createUser(dependencies, { id: 'member', role: 'member', password: passwords.member });
  const admin = await createApiKey(dependencies, { userId: 'admin', name: 'tests' });
  const member = await createApiKey(dependencies, { userId: 'member', name: 'tests' });
  return { passwords, keys: { admin: admin.key, member: member.key } };
}
