import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeSnsServer, startFakeSnsServer } from '../../../test/support/fake-sns-server.ts';
import { sampleReleaseEvent } from '../../../test/support/sample-event.ts';
import { QuarryError, RetryableError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { describeNotifierContract } from '../../core/ports/notifier.contract.ts';
import type { QuarryEvent } from '../../core/ports/notifier.ts';
import { createSnsNotifier } from './sns-notifier.ts';

const topicArn = 'arn:aws:sns:us-east-1:123456789012:quarry';
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-example-key' };

function createClient(endpoint: string, maxAttempts = 1): SNSClient {
  return new SNSClient({ region: 'us-east-1', endpoint, credentials, maxAttempts });
}

const event: QuarryEvent = sampleReleaseEvent('s3://bucket/current/owner/repo/v1.2.3/');

describeNotifierContract('sns', async () => {
  const fake = await startFakeSnsServer({ topics: [topicArn] });
  return {
    notifier: createSnsNotifier({ topicArn, client: createClient(fake.endpoint) }),
    delivered: async () => fake.published.map((entry) => JSON.parse(entry.message) as QuarryEvent),
    breakDelivery: () => fake.failNext(100, 500),
    secret: credentials.secretAccessKey,
    cleanup: fake.close,
  };
});

describe('createSnsNotifier', () => {
  let fake: FakeSnsServer | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  async function errorOf(promise: Promise<unknown>): Promise<QuarryError> {
    const error = await promise.then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(QuarryError.is(error)).toBe(true);
    return error as QuarryError;
  }

  it('publishes the JSON event with a short subject and the event and repo attributes', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    const notifier = createSnsNotifier({ topicArn, client: createClient(fake.endpoint) });
    await notifier.notify(event);
    expect(notifier.name).toBe(`sns ${topicArn}`);
    expect(fake.published).toEqual([
      {
        topicArn,
        message: JSON.stringify(event),
        subject: 'Quarry: owner/repo v1.2.3 extracted',
        attributes: { event: 'release-extracted', repo: 'owner/repo' },
      },
    ]);
  });

  it('keeps the subject valid for long and non-ASCII repository names and tags', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    const notifier = createSnsNotifier({ topicArn, client: createClient(fake.endpoint) });
    await notifier.notify({ ...event, repo: `owner/${'r'.repeat(100)}`, tag: 'v1.0.0-β\n' });
    const subject = fake.published[0]?.subject ?? '';
    expect(subject.length).toBeLessThan(100);
    expect(subject).toMatch(/^Quarry: owner\/r+\.\.\.$/);
  });

  it('sets the message group and deduplication id on FIFO topics', async () => {
    const fifoArn = 'arn:aws:sns:us-east-1:123456789012:quarry.fifo';
    fake = await startFakeSnsServer({ topics: [fifoArn] });
    await createSnsNotifier({ topicArn: fifoArn, client: createClient(fake.endpoint) }).notify(event);
    expect(fake.published[0]).toMatchObject({
      messageGroupId: 'owner/repo',
      messageDeduplicationId: 'release-extracted:owner/repo:v1.2.3',
    });
  });

  it('builds its own client for the topic region and endpoint', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    // The SDK's default provider chain is the only way in without a client; the region must come
    // from the ARN, so AWS_REGION is removed for the duration.
    const names = [
      'AWS_REGION',
      'AWS_DEFAULT_REGION',
      'AWS_PROFILE',
      'AWS_ACCESS_KEY_ID',
      'AWS_SECRET_ACCESS_KEY',
    ];
    const saved = new Map(names.map((name) => [name, process.env[name]]));
    for (const name of names) delete process.env[name];
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    try {
      await createSnsNotifier({ topicArn, endpoint: fake.endpoint }).notify(event);
    } finally {
      for (const [name, value] of saved) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
    expect(fake.published).toHaveLength(1);
  });

  it('lets the SDK retry a server error once before delivering', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    fake.failNext(1, 500);
    await createSnsNotifier({ topicArn, client: createClient(fake.endpoint, 2) }).notify(event);
    expect(fake.published).toHaveLength(1);
  });

  it('maps an unknown topic to an UpstreamError with a hint about the ARN', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    const otherArn = 'arn:aws:sns:us-east-1:123456789012:missing';
    const error = await errorOf(
      createSnsNotifier({ topicArn: otherArn, client: createClient(fake.endpoint) }).notify(event),
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.message).toContain('404 NotFound');
    expect(error.message).toContain(otherArn);
    expect(error.hint).toContain('notify.snsTopicArn');
  });

  it('maps throttling and server errors to RetryableError', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    const notifier = createSnsNotifier({ topicArn, client: createClient(fake.endpoint) });
    for (const status of [429, 500, 503]) {
      fake.failNext(1, status);
      const error = await errorOf(notifier.notify(event));
      expect(error, `status ${status}`).toBeInstanceOf(RetryableError);
      expect(error.message).toContain(String(status));
    }
    expect(fake.published).toEqual([]);
  });

  it('maps an authorization error to an UpstreamError about credentials', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    fake.failNext(1, 403);
    const error = await errorOf(
      createSnsNotifier({ topicArn, client: createClient(fake.endpoint) }).notify(event),
    );
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.hint).toContain('sns:Publish');
  });

  it('maps an unreachable endpoint to a RetryableError', async () => {
    const closed = await startFakeSnsServer();
    await closed.close();
    const error = await errorOf(
      createSnsNotifier({ topicArn, client: createClient(closed.endpoint) }).notify(event),
    );
    expect(error).toBeInstanceOf(RetryableError);
  });

  it('maps missing credentials to an UpstreamError that shows no key', async () => {
    fake = await startFakeSnsServer({ topics: [topicArn] });
    const client = new SNSClient({
      region: 'us-east-1',
      endpoint: fake.endpoint,
      maxAttempts: 1,
      credentials: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), {
          name: 'CredentialsProviderError',
        });
      },
    });
    const error = await errorOf(createSnsNotifier({ topicArn, client }).notify(event));
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error.hint).toContain('credentials');
  });

  it('removes key ids and secret-shaped text that an AWS error echoes', async () => {
    const leaky = {
      send: async () => {
        throw Object.assign(
          new Error(
            'The request signature we calculated does not match AKIAIOSFODNN7EXAMPLE ' +
              'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEYwJalrXUtnFEMI\nCanonical request: secret-example-key',
          ),
          { name: 'SignatureDoesNotMatch', $fault: 'client', $metadata: { httpStatusCode: 403 } },
        );
      },
    } as unknown as SNSClient;
    const error = await errorOf(createSnsNotifier({ topicArn, client: leaky }).notify(event));
    const texts = [error.message, error.hint ?? '', String((error.cause as Error).message)];
    for (const text of texts) {
      expect(text).not.toContain('AKIAIOSFODNN7EXAMPLE');
      expect(text).not.toContain('wJalrXUtnFEMI/K7MDENG');
      expect(text).not.toContain('secret-example-key');
    }
    expect(error.message).toContain('SignatureDoesNotMatch');
  });

  it('rejects an invalid topic ARN at creation', () => {
    expect(() => createSnsNotifier({ topicArn: 'quarry-topic' })).toThrow(ValidationError);
  });
});
