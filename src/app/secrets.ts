import type { QuarryConfig } from '../core/config.ts';
import { createRedactor, type Redactor } from '../core/redact.ts';
import { urlPassword } from '../core/safe-url.ts';

/** Environment variables that hold secrets, whether or not the configuration was read. */
const secretVariables = [
  'GITHUB_TOKEN',
  'QUARRY_GITHUB_TOKEN',
  'QUARRY_EMBEDDING_API_KEY',
  'QUARRY_ADMIN_PASSWORD',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_BEARER_TOKEN_BEDROCK',
  'OPENAI_API_KEY',
  'HF_TOKEN',
] as const;

/** Environment variables holding URLs that may carry a password (`https://user:password@host`). */
const urlVariables = [
  'QUARRY_INDEX',
  'QUARRY_GITHUB_API_URL',
  'QUARRY_EMBEDDING_BASE_URL',
  'QUARRY_MODEL_BASE_URL',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_S3',
  'AWS_ENDPOINT_URL_DYNAMODB',
] as const;

/**
 * The one list of secrets Quarry keeps out of logs, errors and API answers: tokens and keys from the
 * environment, passwords in connection URLs, and the API keys of configured models. `config` is absent
 * when it could not be read (a start-up error is still redacted with what the environment holds).
 */
export function secretsToRedact(
  environment: Record<string, string | undefined>,
  config?: QuarryConfig,
): Array<string | undefined> {
  const fromEnvironment = [
    ...secretVariables.map((name) => environment[name]),
    // Passwords written into URLs: a connection string, a proxy-style GitHub or AWS endpoint.
    ...urlVariables.map((name) => urlPassword(environment[name] ?? '')),
  ];
  if (config === undefined) return fromEnvironment;
  const entries = Object.values(config.models.entries);
  return [
    ...fromEnvironment,
    config.github.token,
    config.knowledge.embedding.apiKey,
    urlPassword(config.knowledge.index),
    urlPassword(config.github.apiUrl),
    urlPassword(config.knowledge.embedding.baseUrl ?? ''),
    urlPassword(config.aws.endpointUrlS3 ?? ''),
    urlPassword(config.aws.endpointUrlDynamoDb ?? ''),
    urlPassword(config.models.baseURL),
    ...entries.map((entry) => entry.apiKey),
    ...entries.map((entry) => urlPassword(entry.baseURL ?? '')),
  ];
}

/** A redactor for {@link secretsToRedact}. */
export function redactorFor(
  environment: Record<string, string | undefined>,
  config?: QuarryConfig,
): Redactor {
  return createRedactor(secretsToRedact(environment, config));
}
