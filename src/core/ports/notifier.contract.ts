import { afterEach, describe, expect, it } from 'vitest';
import { QuarryError } from '../errors/index.ts';
import type { Notifier, QuarryEvent } from './notifier.ts';

/** What an adapter's test hands to {@link describeNotifierContract}. */
export interface NotifierContractSetup {
  notifier: Notifier;
  /** Every event the receiving side got so far, in delivery order. */
  delivered: () => Promise<QuarryEvent[]>;
  /** Makes every later delivery fail (server errors, a closed port...), when the adapter can fail. */
  breakDelivery?: () => void;
  /** A credential the adapter holds (a key, the secret part of a URL) that no error or name may show. */
  secret?: string;
  cleanup: () => Promise<void>;
}

/** A first sync: nothing was archived. */
const firstSync: QuarryEvent = {
  event: 'release-extracted',
  repo: 'owner/repo',
  tag: 'v1.2.3',
  previousTag: null,
  files: 10,
  bytes: 1234,
  location: 'file:///srv/quarry/objects/current/owner/repo/v1.2.3/',
  message:
    'Repository owner/repo with the tag v1.2.3 has been extracted to file:///srv/quarry/objects/current/owner/repo/v1.2.3/',
};

/** An update, with text that needs escaping in JSON, XML and forms. */
const update: QuarryEvent = {
  event: 'release-extracted',
  repo: 'Some-Org/some.repo_name',
  tag: 'release/2.0.0-beta.1+build&"<x>"',
  previousTag: 'v1.9.9',
  files: 200_000,
  bytes: 2 * 1024 ** 3,
  location: 's3://bucket/current/Some-Org/some.repo_name/release%2F2.0.0/',
  message: 'Repository Some-Org/some.repo_name — “2.0.0” ✓ extracted; 100% done & <ok> = yes\nsecond line',
};

/**
 * The shared suite every `Notifier` adapter runs (see the contract in `notifier.ts`). `setup` builds a
 * fresh notifier and a way to read back what it delivered; `cleanup` runs after each test.
 */
export function describeNotifierContract(name: string, setup: () => Promise<NotifierContractSetup>): void {
  describe(`Notifier contract: ${name}`, () => {
    let current: NotifierContractSetup | undefined;
    const start = async (): Promise<NotifierContractSetup> => {
      current = await setup();
      return current;
    };
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });

    it('has a name that shows no secret', async () => {
      const { notifier, secret } = await start();
      expect(notifier.name.trim()).not.toBe('');
      if (secret !== undefined) expect(notifier.name).not.toContain(secret);
    });

    it('resolves after delivery, and the delivered event equals the one sent', async () => {
      const { notifier, delivered } = await start();
      await notifier.notify(firstSync);
      expect(await delivered()).toEqual([firstSync]);
    });

    it('delivers events in order, keeping every field and character', async () => {
      const { notifier, delivered } = await start();
      await notifier.notify(firstSync);
      await notifier.notify(update);
      expect(await delivered()).toEqual([firstSync, update]);
    });

    it('rejects with a QuarryError that shows no secret when delivery fails', async (context) => {
      const { notifier, breakDelivery, secret } = await start();
      if (breakDelivery === undefined) return context.skip();
      breakDelivery();
      const error = await notifier.notify(firstSync).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(QuarryError.is(error), `expected a QuarryError, got ${String(error)}`).toBe(true);
      if (!QuarryError.is(error)) return;
      expect(['UpstreamError', 'RetryableError']).toContain(error.name);
      expect(error.message.trim()).not.toBe('');
      if (secret !== undefined) {
        for (const text of errorTexts(error)) expect(text).not.toContain(secret);
        expect(notifier.name).not.toContain(secret);
      }
    });
  });
}

/** Name, message and hint of an error and of every error in its cause chain. */
function errorTexts(error: unknown): string[] {
  const texts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 10 && current instanceof Error; depth += 1) {
    texts.push(current.name, current.message, String((current as { hint?: unknown }).hint ?? ''));
    current = current.cause;
  }
  return texts;
}
