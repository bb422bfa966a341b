import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import * as http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';

/** A running dynalite (DynamoDB on an in-memory LevelDB) and a client configured to talk to it. */
export interface RunningDynalite {
  /** `http://127.0.0.1:<port>`. */
  endpoint: string;
  /** A client for `endpoint`: fake credentials, region us-east-1, one attempt per request. */
  client: DynamoDBClient;
  /**
   * The environment that points a child process's AWS SDK at this dynalite. dynalite runs on this
   * process's event loop: start children asynchronously (`spawn`, not `spawnSync`), or they wait forever.
   */
  environment: Record<string, string>;
  /** Destroys the client and stops the server (its tables are gone with it). */
  close(): Promise<void>;
}

/** Fake credentials dynalite accepts (it checks none); they open nothing real. */
export const dynaliteCredentials = { accessKeyId: 'DYNALITE', secretAccessKey: 'DYNALITE' };

/** The region the clients of a dynalite use. */
export const dynaliteRegion = 'us-east-1';

type DynaliteFactory = (options: Record<string, unknown>) => http.Server;

/**
 * Starts dynalite 4 in this process on 127.0.0.1 with a free port, tables becoming active (or gone) at
 * once. dynalite speaks DynamoDB's wire protocol, but has no transactions (TransactWriteItems and
 * TransactGetItems are unknown operations) and no UpdateTimeToLive.
 */
export async function startDynalite(): Promise<RunningDynalite> {
  // dynalite ships no type declarations: its factory returns a plain Node HTTP server.
  const dynalite = createRequire(import.meta.url)('dynalite') as DynaliteFactory;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  const endpoint = await listenOnLoopback(server);
  const client = createDynaliteClient(endpoint);
  return {
    endpoint,
    client,
    environment: {
      AWS_ENDPOINT_URL_DYNAMODB: endpoint,
      AWS_REGION: dynaliteRegion,
      AWS_ACCESS_KEY_ID: dynaliteCredentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: dynaliteCredentials.secretAccessKey,
    },
    async close() {
      client.destroy();
      await closeServer(server);
    },
  };
}

/** A DynamoDB client for a local endpoint (dynalite, or a proxy in front of it). */
export function createDynaliteClient(
  endpoint: string,
  options: { maxAttempts?: number } = {},
): DynamoDBClient {
  return new DynamoDBClient({
    endpoint,
    region: dynaliteRegion,
    credentials: dynaliteCredentials,
    requestHandler: new NodeHttpHandler(),
    // A test should see the first failure, not a retried one.
    maxAttempts: options.maxAttempts ?? 1,
  });
}

/** What a {@link FaultyProxy} answers instead of forwarding a request. */
export interface InjectedFault {
  status: number;
  /** The JSON body, e.g. `{"__type": "...#ThrottlingException", "message": "..."}`. */
  body: string;
}

/** DynamoDB's answer to a request over a table's (or account's) throughput. */
export const throttlingFault: InjectedFault = {
  status: 400,
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#ProvisionedThroughputExceededException',
    message: 'The level of configured provisioned throughput for the table was exceeded.',
  }),
};

/** DynamoDB's answer when it fails inside. */
export const internalFault: InjectedFault = {
  status: 500,
  body: JSON.stringify({
    __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError',
    message: 'Internal error.',
  }),
};

/** An HTTP proxy in front of a DynamoDB endpoint that answers some requests with faults. */
export interface FaultyProxy {
  endpoint: string;
  /** The operation (`X-Amz-Target`, e.g. `DynamoDB_20120810.PutItem`) of every request received, in order. */
  readonly operations: string[];
  /** How many requests were answered with a fault. */
  readonly faultsServed: number;
  /** Client connections open right now (a destroyed client leaves none). */
  readonly openConnections: number;
  /** Answers the next requests with `faults`, one each, then forwards again; `only` names one operation. */
  inject(faults: readonly InjectedFault[], options?: { only?: string }): void;
  /**
   * Lets the next `count` BatchWriteItem requests through with only the first half of their writes, and
   * answers that the other half went unprocessed, as DynamoDB does under throttling.
   */
  leaveUnprocessed(count: number): void;
  close(): Promise<void>;
}

/** What the proxy is told to do to the next requests. */
interface ProxyPlan {
  faults: InjectedFault[];
  onlyOperation: string | undefined;
  unprocessedBatches: number;
  operations: string[];
  faultsServed: number;
  openConnections: number;
}

/**
 * Starts a proxy on 127.0.0.1 that forwards requests to `target` (a dynalite endpoint), except those it is
 * told to fail with {@link FaultyProxy.inject} (throttling and server errors, to watch a client retry) or
 * to cut short with {@link FaultyProxy.leaveUnprocessed}.
 */
export async function startFaultyProxy(target: string): Promise<FaultyProxy> {
  const plan: ProxyPlan = {
    faults: [],
    onlyOperation: undefined,
    unprocessedBatches: 0,
    operations: [],
    faultsServed: 0,
    openConnections: 0,
  };
  const server = http.createServer((incoming, outgoing) => handleProxied(plan, target, incoming, outgoing));
  server.on('connection', (socket) => {
    plan.openConnections += 1;
    socket.on('close', () => {
      plan.openConnections -= 1;
    });
  });
  const endpoint = await listenOnLoopback(server);
  return {
    endpoint,
    operations: plan.operations,
    get faultsServed() {
      return plan.faultsServed;
    },
    get openConnections() {
      return plan.openConnections;
    },
    inject(faults, options = {}) {
      plan.faults.push(...faults);
      plan.onlyOperation = options.only;
    },
    leaveUnprocessed(count) {
      plan.unprocessedBatches += count;
    },
    close: () => closeServer(server),
  };
}

/** Fails, cuts short or forwards one request, as the plan says. */
function handleProxied(
  plan: ProxyPlan,
  target: string,
  incoming: http.IncomingMessage,
  outgoing: http.ServerResponse,
): void {
  const operation = String(incoming.headers['x-amz-target'] ?? '').replace(/^.*\./, '');
  plan.operations.push(operation);
  const fault =
    plan.onlyOperation === undefined || operation === plan.onlyOperation ? plan.faults.shift() : undefined;
  if (fault !== undefined) {
    plan.faultsServed += 1;
    incoming.resume();
    outgoing.writeHead(fault.status, { 'content-type': 'application/x-amz-json-1.0' }).end(fault.body);
  } else if (operation === 'BatchWriteItem' && plan.unprocessedBatches > 0) {
    plan.unprocessedBatches -= 1;
    void forwardHalfBatch(target, incoming, outgoing);
  } else {
    forward(target, incoming, outgoing);
  }
}

function forward(target: string, incoming: http.IncomingMessage, outgoing: http.ServerResponse): void {
  const url = new URL(incoming.url ?? '/', target);
  const upstream = http.request(url, { method: incoming.method, headers: incoming.headers }, (answer) => {
    outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
    answer.pipe(outgoing);
  });
  upstream.on('error', () => outgoing.destroy());
  incoming.pipe(upstream);
}

type WriteRequests = Record<string, unknown[]>;

/** Sends the first half of each table's writes on, and answers with the rest as unprocessed. */
async function forwardHalfBatch(
  target: string,
  incoming: http.IncomingMessage,
  outgoing: http.ServerResponse,
): Promise<void> {
  const body = JSON.parse((await readAll(incoming)).toString('utf8')) as { RequestItems: WriteRequests };
  const sent: WriteRequests = {};
  const held: WriteRequests = {};
  for (const [table, requests] of Object.entries(body.RequestItems)) {
    const half = Math.ceil(requests.length / 2);
    sent[table] = requests.slice(0, half);
    if (requests.length > half) held[table] = requests.slice(half);
  }
  const forwarded = Buffer.from(JSON.stringify({ ...body, RequestItems: sent }));
  const headers = { ...incoming.headers, 'content-length': String(forwarded.length) };
  const url = new URL(incoming.url ?? '/', target);
  const answer = await new Promise<http.IncomingMessage>((resolve, reject) => {
    http.request(url, { method: 'POST', headers }, resolve).on('error', reject).end(forwarded);
  });
  const output = JSON.parse((await readAll(answer)).toString('utf8')) as Record<string, unknown>;
  const reply = Buffer.from(JSON.stringify({ ...output, UnprocessedItems: held }));
  // The checksum header covered dynalite's body, not this one.
  const { 'x-amz-crc32': _checksum, ...answerHeaders } = answer.headers;
  outgoing.writeHead(answer.statusCode ?? 502, { ...answerHeaders, 'content-length': String(reply.length) });
  outgoing.end(reply);
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A free port on 127.0.0.1 that refuses connections: nothing listens there once this returns. */
export async function closedPortEndpoint(): Promise<string> {
  const server = http.createServer();
  const endpoint = await listenOnLoopback(server);
  await closeServer(server);
  return endpoint;
}

async function listenOnLoopback(server: http.Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Stops `server`, dropping kept-alive connections; dynalite's close also closes its database. */
async function closeServer(server: http.Server): Promise<void> {
  const closed = new Promise<void>((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
  });
  server.closeAllConnections();
  await closed;
}

/** A table prefix no other test uses, so tests sharing one dynalite never see each other's tables. */
export function uniqueTablePrefix(): string {
  return `quarry-test-${randomUUID().slice(0, 8)}`;
}
