import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { ValidationError } from '../../core/errors/index.ts';

/** How the catalog reaches DynamoDB when it is not handed a client. */
export interface DynamoDbClientSettings {
  /** The client to use; the catalog then leaves its life (and retry settings) to the caller. */
  client?: DynamoDBClient;
  /** AWS region; by default the SDK's own lookup (AWS_REGION, the profile). */
  region?: string;
  /** A DynamoDB-compatible endpoint (a local stand-in); by default AWS_ENDPOINT_URL_DYNAMODB or AWS. */
  endpoint?: string;
  /** Credentials; by default the SDK's chain (environment, profile, container or instance role). */
  credentials?: DynamoDBClientConfig['credentials'];
  /** Attempts per request, retries backing off exponentially with jitter (default 5). */
  maxAttempts?: number;
}

/** The clients the catalog talks through. */
export interface DynamoDbClients {
  /** The low-level client: tables are described and created through it. */
  client: DynamoDBClient;
  /** Items are read and written through it as plain JavaScript values. */
  documents: DynamoDBDocumentClient;
  /** True when the catalog made `client` and so must destroy it on close. */
  owned: boolean;
}

/** Attempts per request when none is configured: throttling on a busy on-demand table clears in seconds. */
const defaultMaxAttempts = 5;

/**
 * Makes the clients the catalog uses. A made client uses the SDK's standard retry strategy, which retries
 * throttling (`ProvisionedThroughputExceededException`, `ThrottlingException`), 5xx answers and dropped
 * connections up to `maxAttempts` times with exponential backoff and jitter.
 */
export function createDynamoDbClients(settings: DynamoDbClientSettings): DynamoDbClients {
  const maxAttempts = settings.maxAttempts ?? defaultMaxAttempts;
  if (!Number.isSafeInteger(maxAttempts) || maxAttempts < 1) {
    throw new ValidationError(`The DynamoDB attempts per request must be a whole number of 1 or more.`, {
      hint: 'Leave catalog.maxAttempts out to use the default of 5.',
    });
  }
  const owned = settings.client === undefined;
  const client = settings.client ?? new DynamoDBClient(clientConfig(settings, maxAttempts));
  // Records hold optional fields; dropping `undefined` keeps them out of items instead of failing.
  const documents = DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
  return { client, documents, owned };
}

function clientConfig(settings: DynamoDbClientSettings, maxAttempts: number): DynamoDBClientConfig {
  return {
    maxAttempts,
    retryMode: 'standard',
    // An endpoint that takes the connection and never answers must fail (and be retried), not hang the
    // command: DynamoDB answers in milliseconds, so these bounds are generous.
    requestHandler: new NodeHttpHandler({ connectionTimeout: 5000, requestTimeout: 30_000 }),
    ...(settings.region === undefined ? {} : { region: settings.region }),
    ...(settings.endpoint === undefined ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === undefined ? {} : { credentials: settings.credentials }),
  };
}
