import { afterEach, describe, expect, it } from 'vitest';
import { QuarryError } from '../errors/index.ts';
import type { JobInput, RecurringJob, Scheduler } from './scheduler.ts';

/** What an adapter's test hands to {@link describeSchedulerContract}. */
export interface SchedulerContractSetup {
  scheduler: Scheduler;
  /** Moves the scheduler's clock on by `milliseconds`, running what falls due and letting runs settle. */
  advance(milliseconds: number): Promise<void>;
  /** The messages of the error lines logged so far. */
  errors(): string[];
  cleanup(): Promise<void>;
}

const minute = 60_000;

/** A promise to resolve from outside, to hold a run open for as long as a test needs. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** A job that counts its runs and hands each run's input and signal to `body`. */
function countingJob(
  everyMinutes: number,
  body: (input: JobInput, signal: AbortSignal) => Promise<void> = async () => {},
): RecurringJob & { runs: number } {
  const job = {
    name: 'contract-job',
    everyMinutes,
    input: { force: false },
    runs: 0,
    async run(input: JobInput, signal: AbortSignal) {
      job.runs += 1;
      await body(input, signal);
    },
  };
  return job;
}

/**
 * The shared suite every `Scheduler` adapter runs (see the contract in `scheduler.ts`). `setup` builds a
 * scheduler whose clock the test can move on; `cleanup` runs after each test.
 */
export function describeSchedulerContract(name: string, setup: () => Promise<SchedulerContractSetup>): void {
  describe(`Scheduler contract: ${name}`, () => {
    let current: SchedulerContractSetup | undefined;
    const start = async () => {
      current = await setup();
      return current;
    };
    afterEach(async () => {
      await current?.scheduler.close();
      await current?.cleanup();
      current = undefined;
    });

    it('runs a job right away, after start returns, then every interval with its input', async () => {
      const { scheduler, advance } = await start();
      const inputs: JobInput[] = [];
      const job = countingJob(5, async (input) => {
        inputs.push(input);
      });
      scheduler.start(job);
      expect(job.runs).toBe(0);
      await advance(0);
      expect(job.runs).toBe(1);
      await advance(5 * minute);
      expect(job.runs).toBe(2);
      await advance(10 * minute);
      expect(job.runs).toBe(4);
      expect(inputs).toEqual(Array.from({ length: 4 }, () => ({ force: false })));
    });

    it('never runs a job twice at once: ticks during a run are dropped, not queued', async () => {
      const { scheduler, advance } = await start();
      const gate = deferred();
      const job = countingJob(1, () => gate.promise);
      scheduler.start(job);
      await advance(5 * minute);
      expect(job.runs).toBe(1);
      gate.resolve();
      await advance(0);
      expect(job.runs).toBe(1);
      await advance(minute);
      expect(job.runs).toBe(2);
    });

    it('logs a failed run and keeps the schedule going', async () => {
      const { scheduler, advance, errors } = await start();
      const job = countingJob(1, async () => {
        if (job.runs === 1) throw new Error('the first run broke');
      });
      scheduler.start(job);
      await advance(0);
      expect(errors().join('\n')).toMatch(/the first run broke/);
      await advance(minute);
      expect(job.runs).toBe(2);
    });

    it('stops: aborts the running run, waits for it, and starts no more', async () => {
      const { scheduler, advance } = await start();
      const gate = deferred();
      let seen: AbortSignal | undefined;
      const job = countingJob(1, (_input, signal) => {
        seen = signal;
        return gate.promise;
      });
      const scheduled = scheduler.start(job);
      await advance(0);
      let stopped = false;
      const stopping = scheduled.stop().then(() => {
        stopped = true;
      });
      await advance(0);
      expect(seen?.aborted).toBe(true);
      expect(stopped).toBe(false);
      gate.resolve();
      await stopping;
      await advance(10 * minute);
      expect(job.runs).toBe(1);
      await scheduled.stop();
    });

    it('close stops every job; a stopped name can start again', async () => {
      const { scheduler, advance } = await start();
      const first = countingJob(1);
      const second = { ...countingJob(1), name: 'contract-job-2' };
      scheduler.start(first);
      scheduler.start(second);
      await advance(0);
      await scheduler.close();
      await advance(5 * minute);
      expect(first.runs).toBe(1);
      scheduler.start(first);
      await advance(0);
      expect(first.runs).toBe(2);
    });

    it('rejects a bad name or interval, and a name already running', async () => {
      const { scheduler } = await start();
      const codeOf = (action: () => unknown) => {
        try {
          action();
        } catch (error) {
          return QuarryError.is(error) ? error.code : 'other';
        }
        return 'none';
      };
      expect(codeOf(() => scheduler.start({ ...countingJob(1), name: 'has space' }))).toBe('validation');
      expect(codeOf(() => scheduler.start(countingJob(0)))).toBe('validation');
      expect(codeOf(() => scheduler.start(countingJob(1.5)))).toBe('validation');
      scheduler.start(countingJob(1));
      expect(codeOf(() => scheduler.start(countingJob(1)))).toBe('conflict');
    });
  });
}
