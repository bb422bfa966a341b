import { UpstreamError } from './errors/index.ts';
import type { Logger } from './ports/logger.ts';
import type { Notifier, QuarryEvent } from './ports/notifier.ts';

/** What happened to one event across every notifier. */
export interface FanOutResult {
  /** Names of the notifiers that delivered the event. */
  delivered: string[];
  /** Notifiers that failed, with their error message (secret-free by the `Notifier` contract). */
  failed: { name: string; error: string }[];
}

/** A `Notifier` that forwards to several others, plus a variant that reports instead of rejecting. */
export interface FanOutNotifier extends Notifier {
  /** Delivers to every notifier in parallel and reports each outcome; never rejects. */
  notifyAll(event: QuarryEvent): Promise<FanOutResult>;
}

/**
 * Sends each event to every notifier at once. One failing notifier neither stops nor delays the
 * others; each failure is logged as a warning. `notify` rejects with an `UpstreamError` naming the
 * notifiers that failed once all have finished; `notifyAll` resolves with the outcome instead.
 */
export function createFanOutNotifier(notifiers: Notifier[], logger: Logger): FanOutNotifier {
  const members = [...notifiers];
  const notifyAll = async (event: QuarryEvent): Promise<FanOutResult> => {
    const outcomes = await Promise.allSettled(members.map((notifier) => deliver(notifier, event)));
    const result: FanOutResult = { delivered: [], failed: [] };
    outcomes.forEach((outcome, index) => {
      const name = members[index]?.name ?? `notifier ${index + 1}`;
      if (outcome.status === 'fulfilled') {
        result.delivered.push(name);
        logger.debug({ notifier: name, event: event.event, repo: event.repo, tag: event.tag }, 'Delivered.');
        return;
      }
      const error = describeError(outcome.reason);
      result.failed.push({ name, error });
      logger.warn(
        { notifier: name, event: event.event, repo: event.repo, tag: event.tag, error },
        `The notifier ${name} could not deliver the ${event.event} event for ${event.repo} ${event.tag}.`,
      );
    });
    return result;
  };
  return {
    name: members.length === 0 ? 'none' : members.map((notifier) => notifier.name).join(', '),
    notifyAll,
    async notify(event: QuarryEvent): Promise<void> {
      const { failed } = await notifyAll(event);
      if (failed.length === 0) return;
      const names = failed.map((failure) => failure.name).join(', ');
      throw new UpstreamError(
        `The ${event.event} event for ${event.repo} ${event.tag} could not be delivered to ` +
          `${failed.length} of ${members.length} notifiers: ${names}.`,
        {
          cause: new AggregateError(
            failed.map((failure) => new Error(`${failure.name}: ${failure.error}`)),
            'Notifier failures',
          ),
          hint:
            failed.length < members.length
              ? 'See the warning logged for each failed notifier; the others delivered the event.'
              : 'See the warning logged for each notifier.',
        },
      );
    },
  };
}

/** Turns a notifier that throws synchronously into a rejected promise, so it cannot break the others. */
async function deliver(notifier: Notifier, event: QuarryEvent): Promise<void> {
  await notifier.notify(event);
}

function describeError(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  return String(reason);
}
