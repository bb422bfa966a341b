import { describe, expect, it } from 'vitest';
import { loadConfig } from './config/load-config.ts';
import { redactorFor } from './secrets.ts';

describe('the one list of secrets', () => {
  it('redacts passwords written into every URL setting, and the secret variables', () => {
    const environment = {
      QUARRY_GITHUB_API_URL: 'http://ghuser:GhUrlSecretPw99@127.0.0.1:9/api/v3',
      AWS_ENDPOINT_URL_DYNAMODB: 'http://dyn:DynamoPw77@127.0.0.1:8000',
      AWS_ENDPOINT_URL_S3: 'http://s3:S3Pw55@127.0.0.1:9000',
      QUARRY_EMBEDDING_PROVIDER: 'openai-compatible',
      QUARRY_EMBEDDING_MODEL: 'nomic-embed-text',
      QUARRY_EMBEDDING_BASE_URL: 'http://embed:EmbedPw33@127.0.0.1:11434/v1',
      AWS_SECRET_ACCESS_KEY: 'AwsSecret11',
      QUARRY_ADMIN_PASSWORD: 'AdminPassword22',
    };
    const { config } = loadConfig({ cwd: '/nonexistent', environment });
    const redact = redactorFor(environment, config);
    const leaked = ['GhUrlSecretPw99', 'DynamoPw77', 'S3Pw55', 'EmbedPw33', 'AwsSecret11', 'AdminPassword22'];
    const text = redact(`Request failed: ${Object.values(environment).join(' ')}`);
    for (const secret of leaked) expect(text).not.toContain(secret);
  });

  it('redacts what the environment holds when the configuration could not be read', () => {
    const redact = redactorFor({
      GITHUB_TOKEN: 'ghp_secret',
      QUARRY_INDEX: 'postgres://u:PgPassword44@host/db',
    });
    expect(redact('token ghp_secret, url postgres://u:PgPassword44@host/db')).not.toMatch(
      /ghp_secret|PgPassword44/,
    );
  });
});
