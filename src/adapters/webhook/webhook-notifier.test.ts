import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { sampleReleaseEvent } from '../../../test/support/sample-event.ts';
import { type QuarryError, RetryableError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { describeNotifierContract } from '../../core/ports/notifier.contract.ts';
import type { QuarryEvent } from '../../core/ports/notifier.ts';
import { createWebhookNotifier } from './webhook-notifier.ts';

interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

type Reply = (request: ReceivedRequest, response: ServerResponse) => void;

/** A real HTTP receiver on 127.0.0.1 that answers with `replies` in turn (the last one repeats). */
interface TestReceiver {
  baseUrl: string;
  received: ReceivedRequest[];
  replies: Reply[];
  close(): Promise<void>;
}

async function startReceiver(replies: Reply[] = []): Promise<TestReceiver> {
  const received: ReceivedRequest[] = [];
  const receiver: Omit<TestReceiver, 'baseUrl' | 'close'> = { received, replies };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const entry: ReceivedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(entry);
      const reply = receiver.replies[received.length - 1] ?? receiver.replies.at(-1) ?? status(200);
      reply(entry, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    baseUrl: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  });
}

function status(code: number, body = '', headers: Record<string, string> = {}): Reply {
  return (_request, response) => {
    response.writeHead(code, headers);
    response.end(body);
  };
}

/** Never answers; the client's timeout must end the attempt. */
const silence: Reply = () => {};

const event: QuarryEvent = sampleReleaseEvent('file:///srv/quarry/current/owner/repo/v1.2.3/');

const secretPath = '/services/T0SECRET/B0SECRET/xoxbSuperSecretToken';
const noWait = async (): Promise<void> => {};

describeNotifierContract('webhook', async () => {
  const receiver = await startReceiver();
  return {
    notifier: createWebhookNotifier({
      url: `${receiver.baseUrl}${secretPath}?token=q1w2e3r4`,
      sleep: noWait,
    }),
    delivered: async () => receiver.received.map((request) => JSON.parse(request.body) as QuarryEvent),
    breakDelivery: () => {
      receiver.replies.push(status(500, `no such hook ${secretPath}`));
    },
    secret: 'xoxbSuperSecretToken',
    cleanup: receiver.close,
  };
});

describe('createWebhookNotifier', () => {
  let receiver: TestReceiver | undefined;
  afterEach(async () => {
    await receiver?.close();
    receiver = undefined;
  });

  it('POSTs the event as JSON with content type and user agent', async () => {
    receiver = await startReceiver([status(204)]);
    const notifier = createWebhookNotifier({ url: `${receiver.baseUrl}/hook` });
    await notifier.notify(event);
    expect(receiver.received).toHaveLength(1);
    const [request] = receiver.received;
    expect(request?.method).toBe('POST');
    expect(request?.url).toBe('/hook');
    expect(request?.headers['content-type']).toBe('application/json');
    expect(request?.headers['user-agent']).toMatch(/^quarry\/\d+\.\d+\.\d+/);
    expect(JSON.parse(request?.body ?? '')).toEqual(event);
  });

  it('names itself by scheme, host and port only', async () => {
    receiver = await startReceiver();
    const notifier = createWebhookNotifier({ url: `${receiver.baseUrl}${secretPath}` });
    expect(notifier.name).toBe(`webhook ${receiver.baseUrl}/…`);
  });

  it('retries 500 twice then delivers once, waiting longer each time', async () => {
    receiver = await startReceiver([status(500), status(503), status(200, 'ok')]);
    const waits: number[] = [];
    const notifier = createWebhookNotifier({
      url: `${receiver.baseUrl}/hook`,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await notifier.notify(event);
    expect(receiver.received).toHaveLength(3);
    expect(new Set(receiver.received.map((request) => request.body)).size).toBe(1);
    expect(waits).toHaveLength(2);
    expect(waits[1]).toBeGreaterThan(waits[0] ?? Number.POSITIVE_INFINITY);
  });

  it('honours Retry-After seconds on 429, capped', async () => {
    receiver = await startReceiver([
      status(429, '', { 'retry-after': '2' }),
      status(429, '', { 'retry-after': '86400' }),
      status(200),
    ]);
    const waits: number[] = [];
    const notifier = createWebhookNotifier({
      url: `${receiver.baseUrl}/hook`,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    await notifier.notify(event);
    expect(waits[0]).toBe(2000);
    expect(waits[1]).toBeLessThanOrEqual(60_000);
    expect(receiver.received).toHaveLength(3);
  });

  it('gives up with a RetryableError after the configured retries', async () => {
    receiver = await startReceiver([status(502, 'bad gateway')]);
    const notifier = createWebhookNotifier({ url: `${receiver.baseUrl}/hook`, retries: 2, sleep: noWait });
    const error = await notifier.notify(event).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).message).toContain('502');
    expect((error as RetryableError).message).toContain('3 attempts');
    expect(receiver.received).toHaveLength(3);
  });

  it('does not retry a 400 and throws an UpstreamError', async () => {
    receiver = await startReceiver([status(400, 'invalid_payload')]);
    const notifier = createWebhookNotifier({ url: `${receiver.baseUrl}/hook`, sleep: noWait });
    const error = await notifier.notify(event).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toContain('400');
    expect((error as UpstreamError).message).toContain('invalid_payload');
    expect((error as UpstreamError).hint).toBeTruthy();
    expect(receiver.received).toHaveLength(1);
  });

  it('reports a redirect instead of following it', async () => {
    receiver = await startReceiver([status(302, '', { location: '/elsewhere' })]);
    const notifier = createWebhookNotifier({ url: `${receiver.baseUrl}/hook`, sleep: noWait });
    await expect(notifier.notify(event)).rejects.toBeInstanceOf(UpstreamError);
    expect(receiver.received.map((request) => request.url)).toEqual(['/hook']);
  });

  it('times out a server that never answers and ends with a RetryableError', async () => {
    receiver = await startReceiver([silence]);
    const notifier = createWebhookNotifier({
      url: `${receiver.baseUrl}/hook`,
      timeoutMs: 100,
      retries: 1,
      sleep: noWait,
    });
    const error = await notifier.notify(event).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).message).toContain('did not answer within 100 ms');
    expect(receiver.received).toHaveLength(2);
  });

  it('reports a refused connection as a RetryableError', async () => {
    const closed = await startReceiver();
    const url = `${closed.baseUrl}${secretPath}`;
    await closed.close();
    const notifier = createWebhookNotifier({ url, retries: 0 });
    const error = await notifier.notify(event).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(RetryableError);
    expect((error as RetryableError).message).toContain('could not be reached');
  });

  it('never shows the secret path, query or userinfo in names or errors', async () => {
    receiver = await startReceiver([
      (request, response) => {
        response.writeHead(404);
        // Some services echo the request URL and auth back; none of it may surface.
        response.end(`unknown hook ${request.url} for ${request.headers.authorization}`);
      },
    ]);
    const { port } = new URL(receiver.baseUrl);
    const url = `http://hookuser:hookPassw0rd@127.0.0.1:${port}${secretPath}?sig=querySecret99`;
    const notifier = createWebhookNotifier({ url, sleep: noWait });
    const error = await notifier.notify(event).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(UpstreamError);
    const texts = [notifier.name, (error as QuarryError).message, (error as QuarryError).hint ?? ''];
    for (const text of texts) {
      for (const secret of [
        'xoxbSuperSecretToken',
        'T0SECRET',
        'querySecret99',
        'hookPassw0rd',
        'hookuser',
      ]) {
        expect(text).not.toContain(secret);
      }
      expect(text).not.toContain(Buffer.from('hookuser:hookPassw0rd').toString('base64'));
    }
  });

  it('sends URL userinfo as Basic authentication', async () => {
    receiver = await startReceiver([status(200)]);
    const { port } = new URL(receiver.baseUrl);
    const notifier = createWebhookNotifier({ url: `http://user%40corp:p%3Ass@127.0.0.1:${port}/hook` });
    await notifier.notify(event);
    const expected = `Basic ${Buffer.from('user@corp:p:ss').toString('base64')}`;
    expect(receiver.received[0]?.headers.authorization).toBe(expected);
  });

  it('rejects a URL that is not http(s) without echoing it', () => {
    expect(() => createWebhookNotifier({ url: 'ftp://host/secretThing' })).toThrow(ValidationError);
    expect(() => createWebhookNotifier({ url: 'not a url secretThing' })).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('secretThing') }),
    );
  });
});
