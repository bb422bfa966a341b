import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticateUser } from '../src/accounts/users.ts';
import { mockRuntime, modelReply } from '../src/models/language-runtime.test-support.ts';
import { type ApiFixture, createApiFixture } from './support/api-fixture.ts';

const codeReply = 'Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\n';

let fixture: ApiFixture;

beforeAll(async () => {
  const model = new MockLanguageModelV3({ doGenerate: async () => modelReply(codeReply) });
  fixture = await createApiFixture({
    runtime: mockRuntime(model),
    settings: { maxBodyBytes: 4096, loginAttempts: 3 },
  });
});
afterAll(async () => fixture?.close());

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

async function errorOf(response: Response): Promise<{ code: string; message: string; hint?: string }> {
  const body = (await response.json()) as { error: { code: string; message: string; hint?: string } };
  return body.error;
}

async function login(username: string, password: string, origin?: string): Promise<Response> {
  return fixture.request('/api/auth/login', {
    ...json({ username, password }, origin ? { origin } : {}),
    as: 'anonymous',
  });
}

function cookieOf(response: Response): string {
  const header = response.headers.get('set-cookie') ?? '';
  return header.split(';')[0] ?? '';
}

describe('health and documentation', () => {
  it('answers /healthz and /readyz without signing in', async () => {
    expect((await fixture.request('/healthz', { as: 'anonymous' })).status).toBe(200);
    const ready = await fixture.request('/readyz', { as: 'anonymous' });
    expect(ready.status).toBe(200);
    expect(
      ((await ready.json()) as { checks: Array<{ name: string; ok: boolean }> }).checks.map(
        (check) => check.ok,
      ),
    ).toEqual([true, true, true]);
  });

  it('publishes an OpenAPI 3.1 document naming every route, and a docs page', async () => {
    const response = await fixture.request('/api/openapi.json', { as: 'anonymous' });
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> };
    expect(document.openapi).toBe('3.1.0');
    for (const path of [
      '/code_generation',
      '/api/ask',
      '/api/chat',
      '/api/search',
      '/api/repos',
      '/api/repos/{owner}/{name}',
      '/api/sync',
      '/api/sync/runs',
      '/api/models',
      '/api/conversations',
      '/api/sources/{key}',
      '/v1/chat/completions',
      '/v1/models',
      '/healthz',
      '/readyz',
    ]) {
      expect(document.paths, path).toHaveProperty([path]);
    }
    const docs = await fixture.request('/api/docs', { as: 'anonymous' });
    expect(await docs.text()).toContain('/api/docs/swagger-ui-bundle.js');
    expect((await fixture.request('/api/docs/swagger-ui-bundle.js', { as: 'anonymous' })).status).toBe(200);
  });

  it('sends security headers on every response', async () => {
    const response = await fixture.request('/api/repos');
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('authentication and roles', () => {
  it('refuses requests without credentials (401) or with a wrong key, saying how to authenticate', async () => {
    const anonymous = await fixture.request('/api/repos', { as: 'anonymous' });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toContain('Bearer');
    expect((await errorOf(anonymous)).hint).toContain('quarry keys create');
    const forged = await fixture.request('/api/repos', {
      headers: { authorization: `${fixture.keys.member.slice(0, -2)}xx` },
      as: 'anonymous',
    });
    expect(forged.status).toBe(401);
    const wrongSecret = await fixture.request('/api/repos', {
      headers: { authorization: `Bearer ${fixture.keys.member.slice(0, -2)}xx` },
      as: 'anonymous',
    });
    expect(wrongSecret.status).toBe(401);
    expect(
      (
        await fixture.request('/code_generation', {
          ...json({ key: 'python', message: 'x' }),
          as: 'anonymous',
        })
      ).status,
    ).toBe(401);
    expect((await fixture.request('/v1/models', { as: 'anonymous' })).status).toBe(401);
  });

  it('lets members read but not manage repositories (403)', async () => {
    expect((await fixture.request('/api/repos', { as: 'member' })).status).toBe(200);
    const add = await fixture.request('/api/repos', { ...json({ id: 'acme/gadgets' }), as: 'member' });
    expect(add.status).toBe(403);
    expect((await errorOf(add)).code).toBe('forbidden');
    expect((await fixture.request('/api/sync', { ...json({}), as: 'member' })).status).toBe(403);
    expect((await fixture.request('/api/users', { as: 'member' })).status).toBe(403);
    expect((await fixture.request('/api/repos', { as: 'admin' })).status).toBe(200);
  });

  it('signs in with a session cookie (HttpOnly, SameSite) and signs out', async () => {
    const response = await login('member', fixture.passwords.member);
    expect(response.status).toBe(200);
    const setCookie = response.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Lax/i);
    expect(setCookie).not.toMatch(/Secure/);
    const cookie = cookieOf(response);
    const me = await fixture.request('/api/auth/me', { headers: { cookie }, as: 'anonymous' });
    expect(await me.json()).toEqual({ user: { id: 'member', role: 'member' } });
    const logout = await fixture.request('/api/auth/logout', {
      method: 'POST',
      headers: { cookie },
      as: 'anonymous',
    });
    expect(logout.status).toBe(204);
    expect((await fixture.request('/api/auth/me', { headers: { cookie }, as: 'anonymous' })).status).toBe(
      401,
    );
  });

  it('checks Origin on cookie-authenticated changes (CSRF), not on reads or bearer requests', async () => {
    const cookie = cookieOf(await login('admin', fixture.passwords.admin));
    const add = (headers: Record<string, string>) =>
      fixture.request('/api/repos', {
        ...json({ id: 'acme/csrf-test' }, { cookie, ...headers }),
        as: 'anonymous',
      });
    expect((await add({})).status).toBe(403);
    expect((await add({ origin: 'https://evil.example' })).status).toBe(403);
    expect(await fixture.dependencies.catalog.getRepo('acme/csrf-test')).toBeUndefined();
    expect((await add({ origin: 'http://localhost' })).status).toBe(201);
    expect((await fixture.request('/api/repos', { headers: { cookie }, as: 'anonymous' })).status).toBe(200);
    expect(
      (
        await fixture.request('/api/auth/login', {
          ...json({ username: 'admin', password: 'x' }, { origin: 'https://evil.example' }),
          as: 'anonymous',
        })
      ).status,
    ).toBe(403);
  });

  it('rate-limits failed sign-ins with 429 and Retry-After, and never says which part was wrong', async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const failed = await login('ratelimited', 'wrong-password-123');
      expect(failed.status).toBe(401);
      expect((await errorOf(failed)).message).toBe('Wrong user name or password.');
    }
    const limited = await login('ratelimited', 'wrong-password-123');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another name is limited separately: one user cannot lock everyone out.
    expect((await login('member', fixture.passwords.member)).status).toBe(200);
  });
});

describe('hardening', () => {
  it('refuses model names the configuration does not offer (no URLs, files or arbitrary ids from requests)', async () => {
    for (const model of [
      'llama-cpp:/etc/passwd',
      'llama-cpp:http://127.0.0.1:1/x',
      'bedrock:anthropic.claude',
      ' local',
    ]) {
      const response = await fixture.request('/api/ask', {
        ...json({ question: 'hi', model }),
        as: 'member',
      });
      expect(response.status, model).toBe(400);
      expect((await errorOf(response)).message, model).toContain('There is no model named');
    }
    const openAi = await fixture.request(
      '/v1/chat/completions',
      json({ model: 'quarry/llama-cpp:/etc/hostname', messages: [{ role: 'user', content: 'hi' }] }),
    );
    expect(openAi.status).toBeGreaterThanOrEqual(400);
    expect(await openAi.text()).not.toContain('GGUF');
  });

  it('counts sign-in attempts sent in parallel before checking them', async () => {
    const attempts = Array.from({ length: 12 }, () => login('parallel-user', 'wrong-password-123'));
    const statuses = (await Promise.all(attempts)).map((response) => response.status);
    expect(statuses.filter((status) => status === 401)).toHaveLength(3);
    expect(statuses.filter((status) => status === 429)).toHaveLength(9);
  });

  it('refuses a sign-out from another site, and marks the cookie Secure when the browser is on HTTPS', async () => {
    const response = await login('member', fixture.passwords.member, 'https://quarry.example.com');
    expect(response.status).toBe(403);
    fixture.dependencies.settings.trustedOrigins.push('https://quarry.example.com');
    try {
      const secure = await login('member', fixture.passwords.member, 'https://quarry.example.com');
      expect(secure.headers.get('set-cookie')).toMatch(/; Secure/);
      const cookie = cookieOf(secure);
      const logout = await fixture.request('/api/auth/logout', {
        method: 'POST',
        headers: { cookie, origin: 'https://evil.example' },
        as: 'anonymous',
      });
      expect(logout.status).toBe(403);
      expect((await fixture.request('/api/auth/me', { headers: { cookie }, as: 'anonymous' })).status).toBe(
        200,
      );
    } finally {
      fixture.dependencies.settings.trustedOrigins.pop();
    }
  });

  it('answers only for its own host names when told them (DNS rebinding)', async () => {
    fixture.dependencies.settings.allowedHosts = ['localhost'];
    try {
      expect((await fixture.request('/healthz', { headers: { host: 'rebound.example' } })).status).toBe(421);
      expect((await fixture.request('/healthz')).status).toBe(200);
    } finally {
      delete fixture.dependencies.settings.allowedHosts;
    }
  });

  it('keeps generated code of one member from other members', async () => {
    const made = (await (
      await fixture.request('/api/code', {
        ...json({ language: 'python', message: 'private thing' }),
        as: 'member',
      })
    ).json()) as { key: string };
    expect((await fixture.request(`/api/sources/${made.key}`, { as: 'member' })).status).toBe(404);
    expect((await fixture.request(`/api/sources/${made.key}`, { as: 'admin' })).status).toBe(200);
  });
});

describe('changing a password', () => {
  it('needs the current password, ends the other sessions, and keeps this browser signed in', async () => {
    const first = cookieOf(await login('member', fixture.passwords.member));
    const second = cookieOf(await login('member', fixture.passwords.member));
    const change = (body: object, cookie: string) =>
      fixture.request('/api/auth/password', {
        ...json(body, { cookie, origin: 'http://localhost' }),
        as: 'anonymous',
      });
    const wrong = await change(
      { currentPassword: 'not-it-at-all', newPassword: 'a-brand-new-password' },
      first,
    );
    expect(wrong.status).toBe(400);
    expect((await errorOf(wrong)).message).toBe('The current password is wrong.');
    const short = await change({ currentPassword: fixture.passwords.member, newPassword: 'short' }, first);
    expect(short.status).toBe(400);
    const changed = await change(
      { currentPassword: fixture.passwords.member, newPassword: 'a-brand-new-password' },
      first,
    );
    expect(changed.status).toBe(204);
    const renewed = cookieOf(changed);
    expect(
      (await fixture.request('/api/auth/me', { headers: { cookie: renewed }, as: 'anonymous' })).status,
    ).toBe(200);
    expect(
      (await fixture.request('/api/auth/me', { headers: { cookie: second }, as: 'anonymous' })).status,
    ).toBe(401);
    // Checked directly: sign-in attempts from this test file share one address and its rate limit.
    const { catalog } = fixture.dependencies;
    expect(await authenticateUser(catalog, 'member', fixture.passwords.member)).toBeUndefined();
    expect(await authenticateUser(catalog, 'member', 'a-brand-new-password')).toBeDefined();
    // Put it back for the other tests.
    await fixture.request('/api/auth/password', {
      ...json({ currentPassword: 'a-brand-new-password', newPassword: fixture.passwords.member }),
      as: 'member',
    });
  });
});

describe('bad input', () => {
  it('rejects a body over the limit with 413, and nothing is stored', async () => {
    const before = await listCodeOutput();
    const response = await fixture.request(
      '/code_generation',
      json({ key: 'python', message: 'x'.repeat(5000) }),
    );
    expect(response.status).toBe(413);
    expect((await errorOf(response)).code).toBe('payload_too_large');
    expect(await listCodeOutput()).toEqual(before);
  });

  it('rejects malformed JSON with 400 and a clear message', async () => {
    const response = await fixture.request('/code_generation', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"key": "python", "message": ',
    });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toMatch(/not valid JSON/);
  });

  it('names the missing or wrong field', async () => {
    const missing = await fixture.request('/code_generation', json({ key: 'python' }));
    expect(missing.status).toBe(400);
    expect((await errorOf(missing)).message).toContain('message');
    const wrongType = await fixture.request('/api/search?q=retry&k=zero');
    expect(wrongType.status).toBe(400);
    expect((await errorOf(wrongType)).message).toContain('k:');
  });

  it('answers unknown API paths with a JSON 404', async () => {
    const response = await fixture.request('/api/nothing-here');
    expect(response.status).toBe(404);
    expect((await errorOf(response)).code).toBe('not_found');
  });
});

describe('POST /code_generation', () => {
  it('accepts the tutorial body {key, message} and returns {key, language, code}, stored with a sidecar', async () => {
    const response = await fixture.request(
      '/code_generation',
      json({ key: 'python', message: 'add two numbers' }),
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      key: string;
      language: string;
      code: string;
      sidecarKey: string;
    };
    expect(body.language).toBe('python');
    expect(body.code).toContain('def add(a, b):');
    expect(body.key).toMatch(/^code_output\/.+\.py$/);
    expect(await fixture.dependencies.store.head(body.key)).toBeDefined();
    expect(await fixture.dependencies.store.head(body.sidecarKey)).toBeDefined();
    const source = await fixture.request(`/api/sources/${body.key}`);
    expect(await source.text()).toContain('def add(a, b):');
  });

  it('accepts {language, message} too, and refuses an unknown language or no model with an error, never a 200', async () => {
    expect((await fixture.request('/api/code', json({ language: 'python', message: 'add' }))).status).toBe(
      200,
    );
    const unknown = await fixture.request('/code_generation', json({ key: 'klingon', message: 'add' }));
    expect(unknown.status).toBe(400);
    const neither = await fixture.request('/code_generation', json({ message: 'add' }));
    expect(neither.status).toBe(400);
    expect((await errorOf(neither)).message).toContain('language');
  });
});

describe('search, sources and models', () => {
  it('finds passages with their file, line range and source key, with filters', async () => {
    const response = await fixture.request(
      '/api/search?q=retryWithBackoff&k=5&repo=acme/widgets&lang=typescript',
      { as: 'member' },
    );
    expect(response.status).toBe(200);
    const body = (await response.json()) as {
      hits: Array<{ path: string; key: string; startLine: number; citation: string }>;
    };
    expect(body.hits[0]?.path).toBe('src/retry.ts');
    expect(body.hits[0]?.key).toBe('current/acme/widgets/v1.0.0/src/retry.ts');
    const none = await fixture.request('/api/search?q=retryWithBackoff&repo=acme/other');
    expect(((await none.json()) as { hits: unknown[] }).hits).toEqual([]);
  });

  it('reads a stored file as sandboxed plain text by key', async () => {
    const response = await fixture.request('/api/sources/current/acme/widgets/v1.0.0/src/retry.ts', {
      as: 'member',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain('sandbox');
    expect(await response.text()).toContain('export async function retryWithBackoff');
  });

  it('refuses path traversal and keys outside the readable folders', async () => {
    for (const key of [
      'current/acme/%2e%2e/%2e%2e/quarry.sqlite',
      'current/acme/widgets/v1.0.0/..%2F..%2Fsecret',
      'staging/acme/widgets/x',
      '%2Fetc%2Fpasswd',
      'current/acme//widgets',
      'current/acme%5C..%5Cx',
    ]) {
      const response = await fixture.request(`/api/sources/${key}`);
      expect(response.status, key).toBe(400);
      expect((await errorOf(response)).code, key).toBe('unsafe_input');
    }
    expect((await fixture.request('/api/sources/current/acme/widgets/v1.0.0/missing.ts')).status).toBe(404);
  });
});

describe('repositories', () => {
  it('adds, lists, changes and removes a repository; unknown ids are 404 and duplicates 409', async () => {
    const added = await fixture.request('/api/repos', json({ id: 'acme/gizmos', track: 'tags' }));
    expect(added.status).toBe(201);
    expect((await fixture.request('/api/repos', json({ id: 'ACME/gizmos' }))).status).toBe(409);
    expect((await fixture.request('/api/repos', json({ id: 'not a repo' }))).status).toBe(400);
    const patch = await fixture.request('/api/repos/acme/gizmos', {
      ...json({ enabled: false }),
      method: 'PATCH',
    });
    expect(((await patch.json()) as { repo: { enabled: boolean } }).repo.enabled).toBe(false);
    expect(
      (await fixture.request('/api/repos/acme/nope', { ...json({ enabled: false }), method: 'PATCH' }))
        .status,
    ).toBe(404);
    expect((await fixture.request('/api/repos/acme/nope', { method: 'DELETE' })).status).toBe(404);
    expect((await fixture.request('/api/repos/acme/gizmos', { method: 'DELETE' })).status).toBe(204);
    expect(await fixture.dependencies.catalog.getRepo('acme/gizmos')).toBeUndefined();
  });

  it('lets only one of two concurrent edits based on the same version win (412 for the other)', async () => {
    await fixture.request('/api/repos', json({ id: 'acme/racy' }));
    const list = (await (await fixture.request('/api/repos')).json()) as {
      repos: Array<{ id: string; etag: string }>;
    };
    const etag = list.repos.find((repo) => repo.id === 'acme/racy')?.etag ?? '';
    const edit = (body: object) =>
      fixture.request('/api/repos/acme/racy', { ...json(body, { 'if-match': etag }), method: 'PATCH' });
    const results = await Promise.all([edit({ enabled: false }), edit({ track: 'tags' })]);
    expect(results.map((response) => response.status).sort()).toEqual([200, 412]);
    const stored = await fixture.dependencies.catalog.getRepo('acme/racy');
    const winner =
      results[0]?.status === 200 ? { enabled: false, track: 'releases' } : { enabled: true, track: 'tags' };
    expect({ enabled: stored?.enabled, track: stored?.track }).toEqual(winner);
  });

  it('starts a sync for a known repository only, and reports runs', async () => {
    expect((await fixture.request('/api/sync', json({ repo: 'acme/unknown' }))).status).toBe(404);
    const runs = await fixture.request('/api/sync/runs?limit=5', { as: 'member' });
    expect(await runs.json()).toMatchObject({ active: null, runs: [] });
  });
});

describe('account, key, conversation and repository rules (the capability functions, called by the routes)', () => {
  it("lets a member revoke only their own keys, answering another's as unknown; revoking twice is 204", async () => {
    const created = await fixture.request('/api/keys', json({ name: 'admin-only' }));
    const { record } = (await created.json()) as { record: { id: string } };
    const foreign = await fixture.request(`/api/keys/${record.id}`, { method: 'DELETE', as: 'member' });
    const unknown = await fixture.request('/api/keys/abcdefghijkl', { method: 'DELETE', as: 'member' });
    expect([foreign.status, unknown.status]).toEqual([404, 404]);
    expect((await errorOf(foreign)).message).toBe(`API key ${record.id} does not exist.`);
    expect((await errorOf(unknown)).message).toBe('API key abcdefghijkl does not exist.');
    const everyone = await fixture.request('/api/keys?all=true', { as: 'member' });
    const keys = ((await everyone.json()) as { keys: Array<{ userId: string }> }).keys;
    expect(new Set(keys.map((key) => key.userId))).toEqual(new Set(['member']));
    expect((await fixture.request(`/api/keys/${record.id}`, { method: 'DELETE' })).status).toBe(204);
    expect((await fixture.request(`/api/keys/${record.id}`, { method: 'DELETE' })).status).toBe(204);
  });

  it('refuses to let an admin remove the account it is signed in with', async () => {
    const response = await fixture.request('/api/users/ADMIN', { method: 'DELETE' });
    expect(response.status).toBe(400);
    expect((await errorOf(response)).message).toBe(
      'You cannot remove your own account while signed in with it.',
    );
  });

  it("answers another account's conversation exactly as an unknown one, for admins too", async () => {
    const { catalog } = fixture.dependencies;
    const createdAt = new Date().toISOString();
    await catalog.createConversation({ id: 'c-members', title: 'mine', createdAt, owner: 'member' });
    for (const method of ['GET', 'DELETE']) {
      const response = await fixture.request('/api/conversations/c-members', { method, as: 'admin' });
      expect(response.status, method).toBe(404);
      expect((await errorOf(response)).message).toBe('There is no conversation c-members.');
    }
    expect((await fixture.request('/api/conversations/c-members', { as: 'member' })).status).toBe(200);
    const removed = await fixture.request('/api/conversations/c-members', { method: 'DELETE', as: 'member' });
    expect(removed.status).toBe(204);
    expect(await catalog.getConversation('c-members')).toBeUndefined();
  });

  it('lets an admin enable or disable a repository the configuration manages, but not change or remove it', async () => {
    await fixture.dependencies.catalog.addRepo({
      id: 'acme/configured',
      enabled: true,
      origin: 'config',
      ignoreFile: null,
      track: 'releases',
      asset: null,
    });
    const patch = (body: object) =>
      fixture.request('/api/repos/acme/configured', { ...json(body), method: 'PATCH' });
    expect((await patch({ enabled: false })).status).toBe(200);
    const changed = await patch({ track: 'tags' });
    expect(changed.status).toBe(400);
    expect((await errorOf(changed)).message).toMatch(/managed by sync\.repos in the configuration/);
    expect((await fixture.request('/api/repos/acme/configured', { method: 'DELETE' })).status).toBe(400);
    expect(await fixture.dependencies.catalog.getRepo('acme/configured')).toMatchObject({
      track: 'releases',
    });
  });
});

async function listCodeOutput(): Promise<string[]> {
  const keys: string[] = [];
  for await (const object of fixture.dependencies.store.list('code_output/')) keys.push(object.key);
  return keys;
}
