import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { MockLanguageModelV3 } from 'ai/test';
import type { LambdaContext, LambdaEvent } from 'hono/aws-lambda';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ApiFixture, createApiFixture } from '../../test/support/api-fixture.ts';
import { apiEvent, apiOrigin, lambdaContext } from '../../test/support/lambda-events.ts';
import type { AppDependencies } from '../api/app-dependencies.ts';
import { loadConfig } from '../app/config/load-config.ts';
import { apiServicesOnLambda, lambdaDefaults, lambdaHome } from '../app/lambda-services.ts';
import { mockRuntime, modelReply } from '../models/language-runtime.test-support.ts';
import { createLambdaHandler } from './shared/api-handler.ts';

const codeReply = 'Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\n';

let fixture: ApiFixture;
const dependencies = () => Promise.resolve(fixture.dependencies);

beforeAll(async () => {
  const model = new MockLanguageModelV3({ doGenerate: async () => modelReply(codeReply) });
  fixture = await createApiFixture({ runtime: mockRuntime(model), settings: { maxBodyBytes: 4096 } });
});
afterAll(async () => fixture?.close());

const bearer = () => ({ authorization: `Bearer ${fixture.keys.member}` });
const jsonHeaders = () => ({ ...bearer(), 'content-type': 'application/json' });

describe('buffered handler (API Gateway HTTP API)', () => {
  const handler = createLambdaHandler(dependencies);

  it('answers GET /healthz', async () => {
    const result = await handler(apiEvent({ path: '/healthz' }), lambdaContext);
    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ ok: true });
    expect(result.headers['x-content-type-options']).toBe('nosniff');
  });

  it('searches with an API key', async () => {
    const result = await handler(
      apiEvent({ path: '/api/search', query: 'q=retry&k=5', headers: bearer() }),
      lambdaContext,
    );
    expect(result.statusCode).toBe(200);
    expect(result.headers['content-type']).toMatch(/^application\/json/);
    const body = JSON.parse(result.body) as { hits: Array<{ path: string; repo: string }> };
    expect(body.hits.length).toBeGreaterThan(0);
    expect(body.hits.map((hit) => hit.path)).toContain('src/retry.ts');
  });

  it("generates code from the tutorial's body, plain and base64-encoded", async () => {
    const body = JSON.stringify({ key: 'python', message: 'A function that adds two numbers' });
    for (const base64 of [false, true]) {
      const event = apiEvent({
        method: 'POST',
        path: '/code_generation',
        headers: jsonHeaders(),
        body,
        base64,
      });
      const result = await handler(event, lambdaContext);
      expect(result.statusCode, result.body).toBe(200);
      const generated = JSON.parse(result.body) as { key: string; code: string };
      expect(generated.key).toMatch(/^code_output\/.+\.py$/);
      expect(generated.code).toContain('def add(a, b):');
      const stored = await fixture.dependencies.store.get(generated.key);
      expect(stored).toBeDefined();
    }
  });

  it('refuses a request without credentials with 401', async () => {
    const result = await handler(apiEvent({ path: '/api/search', query: 'q=retry' }), lambdaContext);
    expect(result.statusCode).toBe(401);
    expect(result.headers['www-authenticate']).toContain('Bearer');
    expect((JSON.parse(result.body) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('rejects malformed JSON with 400', async () => {
    const event = apiEvent({
      method: 'POST',
      path: '/code_generation',
      headers: jsonHeaders(),
      body: '{"key": "python", "message": ',
    });
    const result = await handler(event, lambdaContext);
    expect(result.statusCode).toBe(400);
    expect((JSON.parse(result.body) as { error: { message: string } }).error.message).toMatch(
      /not valid JSON/,
    );
  });

  it('signs in with a session cookie returned in `cookies` and accepted from the event `cookies`', async () => {
    const login = apiEvent({
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', origin: apiOrigin },
      body: JSON.stringify({ username: 'member', password: fixture.passwords.member }),
    });
    const signedIn = await handler(login, lambdaContext);
    expect(signedIn.statusCode).toBe(200);
    const [setCookie] = signedIn.cookies ?? [];
    expect(setCookie).toMatch(/HttpOnly/i);
    // The function URL is HTTPS, so `secureCookies: auto` marks the cookie Secure.
    expect(setCookie).toMatch(/Secure/);
    const cookie = (setCookie ?? '').split(';')[0] ?? '';
    const me = await handler(apiEvent({ path: '/api/auth/me', cookies: [cookie] }), lambdaContext);
    expect(me.statusCode).toBe(200);
    expect(JSON.parse(me.body)).toEqual({ user: { id: 'member', role: 'member' } });
  });
});

describe('one app per container', () => {
  it('builds the app once, on the first event, even when the first events arrive together', async () => {
    const getDependencies = vi.fn(dependencies);
    const handler = createLambdaHandler(getDependencies);
    expect(getDependencies).not.toHaveBeenCalled();
    const first = await Promise.all(
      [1, 2, 3].map(() => handler(apiEvent({ path: '/healthz' }), lambdaContext)),
    );
    const later = await handler(
      apiEvent({ path: '/api/search', query: 'q=widget', headers: bearer() }),
      lambdaContext,
    );
    expect([...first, later].map((result) => result.statusCode)).toEqual([200, 200, 200, 200]);
    expect(getDependencies).toHaveBeenCalledTimes(1);
  });

  it('answers 503 when the app cannot start, and tries again on the next event', async () => {
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const getDependencies = vi
      .fn<() => Promise<AppDependencies>>()
      .mockRejectedValueOnce(new Error('catalog unreachable'))
      .mockImplementation(dependencies);
    const handler = createLambdaHandler(getDependencies);
    const failed = await handler(apiEvent({ path: '/healthz' }), lambdaContext);
    expect(failed.statusCode).toBe(503);
    expect((JSON.parse(failed.body) as { error: { code: string } }).error.code).toBe('unavailable');
    expect(errors).toHaveBeenCalled();
    expect((await handler(apiEvent({ path: '/healthz' }), lambdaContext)).statusCode).toBe(200);
    expect(getDependencies).toHaveBeenCalledTimes(2);
    errors.mockRestore();
  });
});

/** The part of the Lambda response stream (aws-lambda-nodejs-runtime-interface-client) handlers see. */
interface ResponseStream extends Writable {
  setContentType(contentType: string): void;
  _onBeforeFirstWrite?: (write: (chunk: string | Uint8Array) => void) => void;
}

/** The runtime's stream: bytes collected as the service would receive them, the prelude hook on first write. */
function createResponseStream(): {
  stream: ResponseStream;
  bytes: () => Buffer;
  contentType: () => string | undefined;
} {
  const chunks: Buffer[] = [];
  let contentType: string | undefined;
  let started = false;
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(Buffer.from(chunk));
      callback();
    },
  }) as ResponseStream;
  const writeToService = stream.write.bind(stream) as (chunk: string | Uint8Array) => boolean;
  stream.setContentType = (type) => {
    if (started) throw new Error('Cannot set content-type, too late.');
    contentType = type;
  };
  stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    if (!started) {
      started = true;
      stream._onBeforeFirstWrite?.((data) => writeToService(data));
    }
    return (writeToService as (...parameters: unknown[]) => boolean)(chunk, ...rest);
  }) as ResponseStream['write'];
  return { stream, bytes: () => Buffer.concat(chunks), contentType: () => contentType };
}

/** `globalThis.awslambda` as the Node.js runtime defines it (streamifyResponse, HttpResponseStream). */
const awsLambdaRuntime = {
  streamifyResponse<T extends object>(handler: T): T {
    Object.assign(handler, { [Symbol.for('aws.lambda.runtime.handler.streaming')]: 'response' });
    return handler;
  },
  HttpResponseStream: {
    from(stream: ResponseStream, prelude: unknown): ResponseStream {
      stream.setContentType('application/vnd.awslambda.http-integration-response');
      const metadata = JSON.stringify(prelude);
      stream._onBeforeFirstWrite = (write) => {
        write(metadata);
        write(new Uint8Array(8));
      };
      return stream;
    },
  },
};

type StreamingInvocation = (
  event: LambdaEvent,
  stream: ResponseStream,
  context: LambdaContext,
) => Promise<void>;

/** Invokes a streaming handler the way the runtime does and splits what it sent into metadata and body. */
async function invokeStreaming(handler: unknown, event: LambdaEvent) {
  const response = createResponseStream();
  await (handler as StreamingInvocation)(event, response.stream, lambdaContext);
  await finished(response.stream);
  const bytes = response.bytes();
  const delimiter = bytes.indexOf(Buffer.alloc(8));
  expect(delimiter).toBeGreaterThan(0);
  const metadata = JSON.parse(bytes.subarray(0, delimiter).toString('utf8')) as {
    statusCode: number;
    headers: Record<string, string>;
    cookies: string[];
  };
  return {
    metadata,
    body: bytes.subarray(delimiter + 8).toString('utf8'),
    contentType: response.contentType(),
  };
}

describe('streaming handler (function URL with RESPONSE_STREAM)', () => {
  beforeAll(() => {
    Object.assign(globalThis, { awslambda: awsLambdaRuntime });
  });
  afterAll(() => {
    Reflect.deleteProperty(globalThis, 'awslambda');
  });

  it('is marked for the runtime and streams status, headers and body after the metadata prelude', async () => {
    const handler = createLambdaHandler(dependencies, { streaming: true });
    expect(
      (handler as unknown as Record<symbol, unknown>)[Symbol.for('aws.lambda.runtime.handler.streaming')],
    ).toBe('response');
    const event = apiEvent({ path: '/api/search', query: 'q=retryWithBackoff&k=3', headers: bearer() });
    const { metadata, body, contentType } = await invokeStreaming(handler, event);
    expect(contentType).toBe('application/vnd.awslambda.http-integration-response');
    expect(metadata.statusCode).toBe(200);
    expect(metadata.headers['content-type']).toMatch(/^application\/json/);
    expect(metadata.headers['x-frame-options']).toBe('DENY');
    expect(metadata.cookies).toEqual([]);
    const hits = (JSON.parse(body) as { hits: Array<{ path: string }> }).hits;
    expect(hits.map((hit) => hit.path)).toContain('src/retry.ts');
  });

  it('sends cookies in the metadata and errors with their status', async () => {
    const handler = createLambdaHandler(dependencies, { streaming: true });
    const login = apiEvent({
      method: 'POST',
      path: '/api/auth/login',
      headers: { 'content-type': 'application/json', origin: apiOrigin },
      body: JSON.stringify({ username: 'admin', password: fixture.passwords.admin }),
    });
    const signedIn = await invokeStreaming(handler, login);
    expect(signedIn.metadata.statusCode).toBe(200);
    expect(signedIn.metadata.cookies).toHaveLength(1);
    expect(signedIn.metadata.headers).not.toHaveProperty('set-cookie');
    const refused = await invokeStreaming(handler, apiEvent({ path: '/api/repos' }));
    expect(refused.metadata.statusCode).toBe(401);
    expect((JSON.parse(refused.body) as { error: { code: string } }).error.code).toBe('unauthorized');
  });

  it('needs the Lambda runtime', () => {
    Reflect.deleteProperty(globalThis, 'awslambda');
    expect(() => createLambdaHandler(dependencies, { streaming: true })).toThrow(/awslambda/);
    Object.assign(globalThis, { awslambda: awsLambdaRuntime });
  });
});

describe('configuration from the environment', () => {
  let cwd: string | undefined;
  afterEach(async () => {
    if (cwd) await rm(cwd, { recursive: true, force: true });
  });

  it('puts home under /tmp on Lambda unless QUARRY_HOME or the config file set it', async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'quarry-lambda-home-'));
    const onLambda = { AWS_LAMBDA_FUNCTION_NAME: 'quarry-api' };
    const homeOf = (environment: Record<string, string>) =>
      loadConfig({ cwd: cwd as string, environment, defaults: lambdaDefaults(environment) }).config.home;
    expect(homeOf(onLambda)).toBe(lambdaHome);
    expect(homeOf({ ...onLambda, QUARRY_HOME: '/mnt/efs' })).toBe('/mnt/efs');
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'home: /mnt/quarry\n');
    expect(homeOf(onLambda)).toBe('/mnt/quarry');
    expect(lambdaDefaults({})).toEqual({});
  });

  it('builds the services like the CLI, with the first admin from QUARRY_ADMIN_PASSWORD and JSON logs', async () => {
    cwd = await mkdtemp(path.join(tmpdir(), 'quarry-lambda-'));
    await writeFile(path.join(cwd, 'quarry.config.yaml'), 'sync:\n  repos: [acme/widgets]\n');
    const lines: string[] = [];
    const services = await apiServicesOnLambda({
      cwd,
      environment: {
        AWS_LAMBDA_FUNCTION_NAME: 'quarry-api',
        QUARRY_HOME: path.join(cwd, 'home'),
        QUARRY_ADMIN_PASSWORD: 'lambda-admin-password',
      },
      write: (line) => lines.push(line),
    });
    try {
      const handler = createLambdaHandler(() => Promise.resolve(services.dependencies));
      const login = apiEvent({
        method: 'POST',
        path: '/api/auth/login',
        headers: { 'content-type': 'application/json', origin: apiOrigin },
        body: JSON.stringify({ username: 'admin', password: 'lambda-admin-password' }),
      });
      expect((await handler(login, lambdaContext)).statusCode).toBe(200);
      expect((await services.dependencies.catalog.listRepos()).map((repo) => repo.id)).toEqual([
        'acme/widgets',
      ]);
      expect(lines.length).toBeGreaterThan(0);
      for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
    } finally {
      await services.close();
    }
  });
});
