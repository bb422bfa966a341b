import type { Services } from '../../app/create-services.ts';
import { type LambdaSources, openLambdaServices } from '../../app/lambda-services.ts';

/**
 * The services of this Lambda container, opened on the first event and kept for the next ones (a warm
 * container answers without opening the catalog, store or index again). Concurrent first events share one
 * opening; a failed opening is not kept, so the next event tries again (a missing table or secret may have
 * been fixed meanwhile).
 */
export function servicesPerContainer(sources: () => LambdaSources): () => Promise<Services> {
  let opening: Promise<Services> | undefined;
  return () => {
    if (opening === undefined) {
      opening = openLambdaServices(sources());
      opening.catch(() => {
        opening = undefined;
      });
    }
    return opening;
  };
}

/** What the Lambda runtime passes as the second argument; only the time left is used. */
export interface LambdaInvocationContext {
  getRemainingTimeInMillis?: () => number;
}

/**
 * An AbortSignal that fires `marginMs` (at most a tenth of the time left) before the invocation's time runs out, so long work (a crawl, an
 * extraction) stops cleanly, keeping what it finished, instead of being killed mid-write by the runtime.
 */
export function deadlineSignal(context: LambdaInvocationContext | undefined, marginMs = 30_000): AbortSignal {
  const remaining = context?.getRemainingTimeInMillis?.();
  if (remaining === undefined) return new AbortController().signal;
  // A short invocation keeps a tenth of its time as the margin rather than all of it.
  return AbortSignal.timeout(Math.max(1000, remaining - Math.min(marginMs, remaining / 10)));
}
