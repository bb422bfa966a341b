import type { AmazonBedrockProviderSettings } from '@ai-sdk/amazon-bedrock';

type CredentialProvider = NonNullable<AmazonBedrockProviderSettings['credentialProvider']>;

/** What `createAmazonBedrock` gets for authentication, and the secrets to keep out of errors. */
export interface BedrockAuthentication {
  settings: {
    apiKey: string;
    accessKeyId?: string;
    secretAccessKey?: string;
    sessionToken?: string;
    credentialProvider?: CredentialProvider;
  };
  secrets: string[];
}

/**
 * Credentials the usual AWS way: static keys from `environment` first (so tests and containers can pass
 * them explicitly), then a Bedrock API key (`AWS_BEARER_TOKEN_BEDROCK`), then the AWS SDK's default
 * provider chain (shared config and credentials files, SSO, web identity, container and instance roles).
 * The provider chain is loaded only when needed. The API key is always passed, an empty one meaning
 * "sign with SigV4", because the provider would otherwise read `process.env` on its own.
 */
export function bedrockAuthentication(
  environment: Record<string, string | undefined>,
): BedrockAuthentication {
  const apiKey = environment.AWS_BEARER_TOKEN_BEDROCK?.trim() ?? '';
  const accessKeyId = environment.AWS_ACCESS_KEY_ID;
  const secretAccessKey = environment.AWS_SECRET_ACCESS_KEY;
  const sessionToken = environment.AWS_SESSION_TOKEN;
  if (accessKeyId && secretAccessKey) {
    return {
      // An empty API key: the provider would otherwise sign with the bearer token and ignore these keys.
      settings: { apiKey: '', accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
      secrets: [secretAccessKey, sessionToken ?? '', apiKey],
    };
  }
  if (apiKey !== '') return { settings: { apiKey }, secrets: [apiKey] };
  return { settings: { apiKey, credentialProvider: defaultProviderChain() }, secrets: [] };
}

function defaultProviderChain(): CredentialProvider {
  let cached:
    | Promise<() => Promise<{ accessKeyId: string; secretAccessKey: string; sessionToken?: string }>>
    | undefined;
  return async () => {
    cached ??= import('@aws-sdk/credential-provider-node').then(({ defaultProvider }) => defaultProvider());
    const provider = await cached;
    const { accessKeyId, secretAccessKey, sessionToken } = await provider();
    return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
  };
}
