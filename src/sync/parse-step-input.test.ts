import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSyncHarness, type SyncHarness } from '../../test/support/sync-harness.ts';
import { ValidationError } from '../core/errors/index.ts';
import { checkStep } from './check-step.ts';
import { addRepo, overTheWire, publish, stepContext, v1Files } from './sync-steps.test-support.ts';
import { syncSteps } from './sync-steps.ts';

let harness: SyncHarness;
beforeEach(async () => {
  harness = await createSyncHarness();
  await addRepo(harness, 'acme/demo');
  await publish(harness, 'acme/demo', [['v1.0.0', v1Files]]);
});
afterEach(async () => {
  await harness.close();
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof Error)) throw new Error('expected the step to reject');
  return error;
}

describe('malformed step inputs', () => {
  it('rejects each with a ValidationError naming the field, touching nothing', async () => {
    const context = stepContext(harness);
    const checked = overTheWire(await checkStep({ repoId: 'acme/demo', runId: 'valid' }, context)) as Record<
      string,
      unknown
    >;
    const keysBefore = await harness.keys('');
    const runsBefore = await harness.catalog.listSyncRuns();
    const cases: Array<[keyof typeof syncSteps, unknown, RegExp]> = [
      ['check', { repoId: 'not a repository', runId: 'r1' }, /repoId: expected a repository as owner\/name/],
      ['check', { repoId: 'acme/demo', runId: '../escape' }, /runId: expected a run id/],
      ['check', null, /\(the input\)/],
      ['list', { force: 'yes' }, /force: Invalid input: expected boolean/],
      [
        'extract',
        { ...checked, release: { ...(checked.release as object), archive: { format: 'rar' } } },
        /release\.archive\.kind: .*release\.archive\.format: Invalid option/,
      ],
      ['extract', { ...checked, lockToken: undefined }, /lockToken: /],
      ['promote', checked, /extracted: /],
      ['index', { repoId: 'acme/demo', runId: 'valid' }, /result: /],
      ['notify', { repoId: 'acme/demo', runId: 'valid', result: { status: 'done' } }, /result\.status: /],
      ['record-failure', { repoId: 'acme/demo', runId: 'valid' }, /error: /],
      ['fill-vectors', { results: 'all' }, /results: /],
    ];
    for (const [step, input, message] of cases) {
      const error = await rejection(syncSteps[step](input, context));
      expect(error, step).toBeInstanceOf(ValidationError);
      expect(error.message, step).toMatch(new RegExp(`^The ${step} step got an invalid input: `));
      expect(error.message, step).toMatch(message);
    }
    expect(await harness.keys('')).toEqual(keysBefore);
    expect(await harness.catalog.listSyncRuns()).toEqual(runsBefore);
  });
});
