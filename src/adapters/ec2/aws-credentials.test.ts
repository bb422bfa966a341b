import { describe, expect, it } from 'vitest';
import { findAwsCredentials } from './aws-credentials.ts';

describe('findAwsCredentials', () => {
  it('takes static keys from the environment first', async () => {
    const found = await findAwsCredentials({
      AWS_ACCESS_KEY_ID: 'AKIAFAKE',
      AWS_SECRET_ACCESS_KEY: 'secret',
      AWS_SESSION_TOKEN: 'token',
    });
    expect(found).toEqual({ accessKeyId: 'AKIAFAKE', secretAccessKey: 'secret', sessionToken: 'token' });
  });

  it('returns the chain when it finds credentials, and nothing when it fails or hangs', async () => {
    const credentials = { accessKeyId: 'AKIAFROMPROFILE', secretAccessKey: 'secret' };
    const working = () => async () => credentials;
    const found = await findAwsCredentials({}, { chain: working });
    expect(typeof found === 'function' ? await found() : found).toEqual(credentials);
    const failing = () => async () => {
      throw new Error('Could not load credentials from any providers');
    };
    expect(await findAwsCredentials({}, { chain: failing })).toBeUndefined();
    const hanging = () => () => new Promise(() => {});
    expect(await findAwsCredentials({}, { chain: hanging, timeoutMs: 50 })).toBeUndefined();
  });

  it('finds nothing in the real chain when the environment points at no files', async () => {
    const found = await findAwsCredentials(
      {
        AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/credentials',
        AWS_CONFIG_FILE: '/nonexistent/config',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      { timeoutMs: 2000 },
    );
    expect(found).toBeUndefined();
  });
});
