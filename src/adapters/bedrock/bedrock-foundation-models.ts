import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import {
  BedrockClient,
  type BedrockClientConfig,
  ListFoundationModelsCommand,
} from '@aws-sdk/client-bedrock';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createRedactor, type Redactor } from '../../core/redact.ts';
import { type BedrockAuthentication, bedrockAuthentication } from '../ai-sdk/bedrock-credentials.ts';

/** A text model Amazon Bedrock offers in a region. */
export interface BedrockFoundationModel {
  /** The id to pass as a model, e.g. `amazon.nova-micro-v1:0`. */
  modelId: string;
  modelName?: string;
  providerName?: string;
  /**
   * Whether it can be called by its bare id. Some models are served only through an inference profile
   * (`us.anthropic…`), whose id differs from the foundation model's.
   */
  onDemand: boolean;
}

/** The outcome of {@link listBedrockFoundationModels}; it never throws. */
export type BedrockListing =
  | { ok: true; models: BedrockFoundationModel[] }
  | { ok: false; reason: 'no-credentials' | 'unreachable' | 'rejected'; detail: string };

/** Options of {@link listBedrockFoundationModels}. */
export interface ListBedrockModelsOptions {
  region: string;
  /** Credentials, `AWS_PROFILE` and `AWS_ENDPOINT_URL_BEDROCK` are read from here, not `process.env`. */
  environment: Record<string, string | undefined>;
  /** The whole call, credential lookup included, must finish within this. Default 3000. */
  timeoutMs?: number;
  /** Whether a file exists, for {@link findAwsCredentials}. */
  fileExists?: (file: string) => boolean;
}

/**
 * Where AWS credentials would come from, or `undefined` when there is no sign of any, so that nothing is
 * attempted (the SDK's provider chain would otherwise end by probing the EC2 instance metadata service,
 * which takes seconds off EC2). Signs, in the order checked: static keys (`AWS_ACCESS_KEY_ID` and
 * `AWS_SECRET_ACCESS_KEY`), a Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`), `AWS_PROFILE`, web identity
 * (`AWS_WEB_IDENTITY_TOKEN_FILE`), a container role (`AWS_CONTAINER_CREDENTIALS_*_URI`), and a shared
 * credentials or config file (`~/.aws/credentials`, `~/.aws/config`, or where `AWS_SHARED_CREDENTIALS_FILE`
 * and `AWS_CONFIG_FILE` point). An instance role alone is not detected: set `AWS_PROFILE` or a config file
 * on EC2 to opt in.
 */
export function findAwsCredentials(
  environment: Record<string, string | undefined>,
  fileExists: (file: string) => boolean = existsSync,
): string | undefined {
  if (environment.AWS_ACCESS_KEY_ID && environment.AWS_SECRET_ACCESS_KEY) return 'static keys';
  if (environment.AWS_BEARER_TOKEN_BEDROCK?.trim()) return 'Bedrock API key';
  if (environment.AWS_PROFILE) return `profile ${environment.AWS_PROFILE}`;
  if (environment.AWS_WEB_IDENTITY_TOKEN_FILE) return 'web identity';
  if (environment.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || environment.AWS_CONTAINER_CREDENTIALS_FULL_URI) {
    return 'container role';
  }
  const home = environment.HOME || environment.USERPROFILE || homedir();
  const files = [
    environment.AWS_SHARED_CREDENTIALS_FILE || path.join(home, '.aws', 'credentials'),
    environment.AWS_CONFIG_FILE || path.join(home, '.aws', 'config'),
  ];
  return files.some((file) => fileExists(file)) ? 'shared config files' : undefined;
}

/**
 * Lists the text-output foundation models of Amazon Bedrock in `region` (`ListFoundationModels` with
 * `byOutputModality: 'TEXT'`), when {@link findAwsCredentials} finds any. Credentials come from
 * `bedrockAuthentication` (static keys, then the Bedrock API key as a bearer token), else the SDK's default
 * chain. `AWS_ENDPOINT_URL_BEDROCK` (the control-plane endpoint, not bedrock-runtime) or `AWS_ENDPOINT_URL`
 * overrides the endpoint. One attempt, no retries, within `timeoutMs`; every failure is a result whose
 * detail never contains a secret.
 */
export async function listBedrockFoundationModels(
  options: ListBedrockModelsOptions,
): Promise<BedrockListing> {
  const { environment } = options;
  if (findAwsCredentials(environment, options.fileExists) === undefined) {
    return {
      ok: false,
      reason: 'no-credentials',
      detail:
        'no AWS credentials (set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_PROFILE or AWS_BEARER_TOKEN_BEDROCK)',
    };
  }
  const timeoutMs = options.timeoutMs ?? 3000;
  const authentication = bedrockAuthentication(environment);
  const redact = createRedactor(authentication.secrets);
  const client = new BedrockClient(clientConfig(options.region, environment, timeoutMs, authentication));
  try {
    const command = new ListFoundationModelsCommand({ byOutputModality: 'TEXT' });
    const answer = await withDeadline(
      client.send(command, { abortSignal: AbortSignal.timeout(timeoutMs) }),
      timeoutMs,
    );
    return { ok: true, models: (answer.modelSummaries ?? []).flatMap(toFoundationModel) };
  } catch (error) {
    return describeFailure(error, timeoutMs, redact);
  } finally {
    client.destroy();
  }
}

function clientConfig(
  region: string,
  environment: Record<string, string | undefined>,
  timeoutMs: number,
  { settings }: BedrockAuthentication,
): BedrockClientConfig {
  const endpoint = environment.AWS_ENDPOINT_URL_BEDROCK || environment.AWS_ENDPOINT_URL;
  const common: BedrockClientConfig = {
    region,
    maxAttempts: 1,
    // The SDK's default HTTP/2-capable handler does not talk to HTTP/1.1 loopback fakes; timeouts keep a
    // dead endpoint from stalling the listing.
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeoutMs,
      requestTimeout: timeoutMs,
      throwOnRequestTimeout: true,
    }),
    ...(endpoint ? { endpoint } : {}),
  };
  if (settings.accessKeyId && settings.secretAccessKey) {
    const { accessKeyId, secretAccessKey, sessionToken } = settings;
    return {
      ...common,
      credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    };
  }
  if (settings.apiKey) {
    return { ...common, token: { token: settings.apiKey }, authSchemePreference: ['httpBearerAuth'] };
  }
  return { ...common, ...(environment.AWS_PROFILE ? { profile: environment.AWS_PROFILE } : {}) };
}

function toFoundationModel(summary: {
  modelId?: string | undefined;
  modelName?: string | undefined;
  providerName?: string | undefined;
  inferenceTypesSupported?: string[] | undefined;
}): BedrockFoundationModel[] {
  if (!summary.modelId) return [];
  return [
    {
      modelId: summary.modelId,
      ...(summary.modelName ? { modelName: summary.modelName } : {}),
      ...(summary.providerName ? { providerName: summary.providerName } : {}),
      onDemand: summary.inferenceTypesSupported?.includes('ON_DEMAND') ?? false,
    },
  ];
}

/** Rejects when `promise` has not settled in time: credential lookups ignore the request's abort signal. */
function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error('deadline'), { name: 'TimeoutError' })),
      timeoutMs,
    );
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Sorts an SDK failure into the listing's reasons, with a short detail. */
function describeFailure(error: unknown, timeoutMs: number, redact: Redactor): BedrockListing {
  const failure = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    cause?: { code?: string };
    $metadata?: { httpStatusCode?: number };
  };
  const name = failure.name ?? 'Error';
  const status = failure.$metadata?.httpStatusCode;
  if (name === 'CredentialsProviderError' || name === 'TokenProviderError') {
    return {
      ok: false,
      reason: 'no-credentials',
      detail: redact(`could not load AWS credentials: ${failure.message ?? name}`),
    };
  }
  if (status !== undefined && status > 0) {
    const message = failure.message ? `: ${failure.message}` : '';
    return { ok: false, reason: 'rejected', detail: redact(`Bedrock answered ${status} ${name}${message}`) };
  }
  if (name === 'TimeoutError' || name === 'AbortError' || failure.code === 'ETIMEDOUT') {
    return { ok: false, reason: 'unreachable', detail: `no answer within ${timeoutMs / 1000} s` };
  }
  const code = failure.code ?? failure.cause?.code;
  return {
    ok: false,
    reason: 'unreachable',
    detail: code ? `could not connect (${code})` : redact(`could not connect: ${failure.message ?? name}`),
  };
}
