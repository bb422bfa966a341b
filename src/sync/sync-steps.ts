import { checkStep } from './check-step.ts';
import { extractStep } from './extract-step.ts';
import { fillVectorsStep } from './fill-vectors-step.ts';
import { indexStep } from './index-step.ts';
import { listStep } from './list-step.ts';
import { notifyStep } from './notify-step.ts';
import { promoteStep } from './promote-step.ts';
import { recordFailureStep } from './record-failure-step.ts';
import type { SyncStepContext } from './sync-types.ts';

/** A step of the sync: validates its JSON input (a `ValidationError` naming the field) and returns JSON. */
export type SyncStep = (input: unknown, context: SyncStepContext) => Promise<object>;

/**
 * Every sync step under the name a state machine (or one dispatching Lambda handler) calls it by. A pass
 * is: `list` → Map over `repos` { `check` → (newRelease) `extract` → `promote` → `index` → `notify`;
 * `Catch` on check, extract and promote → `record-failure` } → `fill-vectors` over the Map's results.
 * Each step's output is the next one's input, unchanged.
 */
export const syncSteps = {
  list: listStep,
  check: checkStep,
  extract: extractStep,
  promote: promoteStep,
  index: indexStep,
  notify: notifyStep,
  'record-failure': recordFailureStep,
  'fill-vectors': fillVectorsStep,
} satisfies Record<string, SyncStep>;

/** The name of a sync step. */
export type SyncStepName = keyof typeof syncSteps;
