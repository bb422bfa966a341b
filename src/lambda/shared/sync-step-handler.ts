import { processSources } from '../../app/lambda-services.ts';
import { type SyncStepName, syncSteps } from '../../sync/sync-steps.ts';
import type { SyncStepContext } from '../../sync/sync-types.ts';
import { deadlineSignal, type LambdaInvocationContext, servicesPerContainer } from './container-services.ts';

/** A Lambda handler running one sync step: the step's JSON input in, its JSON output out. */
export type SyncStepHandler = (event: unknown, context?: LambdaInvocationContext) => Promise<object>;

/**
 * The handler of one sync step for the Step Functions workflow. The services (catalog, store, GitHub
 * client, knowledge base) are opened once per container; each invocation gets a signal that stops the
 * step cleanly shortly before the invocation's time runs out, so the state machine's Retry finds a step
 * it can finish. A failure is thrown as Quarry's error (its `name`, such as `RetryableError` or
 * `ValidationError`, is the `Error` the state machine's Retry and Catch match).
 */
export function createSyncStepHandler(name: SyncStepName): SyncStepHandler {
  const services = servicesPerContainer(processSources);
  let context: Promise<SyncStepContext> | undefined;
  const stepContext = async (): Promise<SyncStepContext> => {
    if (context === undefined) {
      context = services().then((opened) => opened.syncContext());
      context.catch(() => {
        context = undefined;
      });
    }
    return context;
  };
  return async (event, invocation) => {
    const base = await stepContext();
    return syncSteps[name](event, { ...base, signal: deadlineSignal(invocation) });
  };
}
