import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../test/support/capturing-logger.ts';
import { sampleReleaseEvent } from '../../test/support/sample-event.ts';
import { RetryableError, UpstreamError } from './errors/index.ts';
import { createFanOutNotifier } from './fan-out-notifier.ts';
import { silentLogger } from './ports/logger.ts';
import { describeNotifierContract } from './ports/notifier.contract.ts';
import type { Notifier, QuarryEvent } from './ports/notifier.ts';

const event: QuarryEvent = sampleReleaseEvent();

/** An in-memory notifier that records events, or fails with `failure` while it is set. */
function createRecordingNotifier(
  name: string,
): Notifier & { received: QuarryEvent[]; failure?: () => unknown } {
  const notifier: Notifier & { received: QuarryEvent[]; failure?: () => unknown } = {
    name,
    received: [],
    async notify(sent) {
      if (notifier.failure) throw notifier.failure();
      notifier.received.push(sent);
    },
  };
  return notifier;
}

describeNotifierContract('fan-out', async () => {
  const first = createRecordingNotifier('first');
  const second = createRecordingNotifier('second');
  return {
    notifier: createFanOutNotifier([first, second], silentLogger),
    // Both must have received each event; reading one side alone would miss a partial delivery.
    delivered: async () =>
      JSON.stringify(first.received) === JSON.stringify(second.received) ? first.received : [],
    breakDelivery: () => {
      second.failure = () => new RetryableError('The test endpoint is down.');
    },
    cleanup: async () => {},
  };
});

describe('createFanOutNotifier', () => {
  it('delivers to every notifier even when one of them fails, then reports the failure', async () => {
    const logger = createCapturingLogger();
    const first = createRecordingNotifier('first');
    const broken = createRecordingNotifier('webhook https://hooks.example.com/…');
    broken.failure = () => new UpstreamError('The webhook answered 404.');
    const last = createRecordingNotifier('last');
    const fanOut = createFanOutNotifier([first, broken, last], logger);

    const result = await fanOut.notifyAll(event);

    expect(result).toEqual({
      delivered: ['first', 'last'],
      failed: [{ name: 'webhook https://hooks.example.com/…', error: 'The webhook answered 404.' }],
    });
    expect(first.received).toEqual([event]);
    expect(last.received).toEqual([event]);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.fields).toMatchObject({ notifier: 'webhook https://hooks.example.com/…' });
  });

  it('rejects notify with an UpstreamError naming every failed notifier', async () => {
    const good = createRecordingNotifier('good');
    const bad = createRecordingNotifier('bad');
    const worse = createRecordingNotifier('worse');
    bad.failure = () => new RetryableError('Timed out.');
    worse.failure = () => 'not even an error';
    const error = await createFanOutNotifier([good, bad, worse], silentLogger)
      .notify(event)
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toContain('2 of 3 notifiers: bad, worse');
    expect(good.received).toEqual([event]);
  });

  it('keeps going when a notifier throws synchronously', async () => {
    const throwing: Notifier = {
      name: 'sync-thrower',
      notify() {
        throw new Error('boom');
      },
    };
    const good = createRecordingNotifier('good');
    const result = await createFanOutNotifier([throwing, good], silentLogger).notifyAll(event);
    expect(result).toEqual({ delivered: ['good'], failed: [{ name: 'sync-thrower', error: 'boom' }] });
  });

  it('starts every delivery before any finishes', async () => {
    const started: string[] = [];
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const gated = (name: string): Notifier => ({
      name,
      async notify() {
        started.push(name);
        await gate;
      },
    });
    const pending = createFanOutNotifier([gated('a'), gated('b')], silentLogger).notifyAll(event);
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b']);
    release();
    expect(await pending).toEqual({ delivered: ['a', 'b'], failed: [] });
  });

  it('resolves with nothing to do when there are no notifiers', async () => {
    const fanOut = createFanOutNotifier([], silentLogger);
    await expect(fanOut.notify(event)).resolves.toBeUndefined();
    expect(await fanOut.notifyAll(event)).toEqual({ delivered: [], failed: [] });
  });
});
