import * as path from 'node:path';
import type { EC2ClientConfig } from '@aws-sdk/client-ec2';

/** Credentials as the EC2 client takes them: fixed keys or a provider. */
export type AwsCredentials = NonNullable<EC2ClientConfig['credentials']>;

/** Options of {@link findAwsCredentials}. */
export interface FindCredentialsOptions {
  /** How long the provider chain may look (instance metadata can hang). Default 3000 ms. */
  timeoutMs?: number;
  /** Stands in for the SDK's default provider chain (tests). */
  chain?: () => () => Promise<unknown>;
}

/**
 * Finds AWS credentials without calling AWS: static keys in `environment` first, then the SDK's default
 * provider chain (profiles in the shared files named by `environment`, SSO, web identity, container and
 * instance roles), given `timeoutMs` to answer. Nothing found, an error or no answer in time all mean
 * "no credentials" (undefined): the caller then skips what needs them.
 */
export async function findAwsCredentials(
  environment: Record<string, string | undefined>,
  options: FindCredentialsOptions = {},
): Promise<AwsCredentials | undefined> {
  const accessKeyId = environment.AWS_ACCESS_KEY_ID;
  const secretAccessKey = environment.AWS_SECRET_ACCESS_KEY;
  if (accessKeyId && secretAccessKey) {
    const sessionToken = environment.AWS_SESSION_TOKEN;
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  }
  const provider = options.chain?.() ?? (await defaultChain(environment));
  const found = await withTimeout(provider(), options.timeoutMs ?? 3000).catch(() => undefined);
  return found === undefined ? undefined : (provider as AwsCredentials);
}

/** The SDK's chain, reading the shared files from where `environment` says (not from `process.env`). */
async function defaultChain(
  environment: Record<string, string | undefined>,
): Promise<() => Promise<unknown>> {
  const { defaultProvider } = await import('@aws-sdk/credential-provider-node');
  const home = environment.HOME ?? environment.USERPROFILE;
  const inHome = (file: string) => (home === undefined ? undefined : path.join(home, '.aws', file));
  const filepath = environment.AWS_SHARED_CREDENTIALS_FILE ?? inHome('credentials');
  const configFilepath = environment.AWS_CONFIG_FILE ?? inHome('config');
  return defaultProvider({
    ...(environment.AWS_PROFILE ? { profile: environment.AWS_PROFILE } : {}),
    ...(filepath === undefined ? {} : { filepath }),
    ...(configFilepath === undefined ? {} : { configFilepath }),
    timeout: 1000,
    maxRetries: 0,
  });
}

function withTimeout<T>(promise: Promise<T>, timeoutMs: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), timeoutMs);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
