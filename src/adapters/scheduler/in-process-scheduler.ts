import { ConflictError } from '../../core/errors/index.ts';
import type { Logger } from '../../core/ports/logger.ts';
import {
  assertRecurringJob,
  type JobInput,
  type RecurringJob,
  type ScheduledJob,
  type Scheduler,
} from '../../core/ports/scheduler.ts';

/** The timer functions the scheduler uses; Node's by default, fakes in tests. */
export interface SchedulerTimers {
  setInterval(callback: () => void, milliseconds: number): unknown;
  clearInterval(timer: unknown): void;
}

/** What the in-process scheduler needs: where failed runs are logged, and optionally its timers. */
export interface InProcessSchedulerOptions {
  logger: Logger;
  timers?: SchedulerTimers;
}

const nodeTimers: SchedulerTimers = {
  setInterval: (callback, milliseconds) => setInterval(callback, milliseconds),
  clearInterval: (timer) => clearInterval(timer as NodeJS.Timeout),
};

/**
 * The embedded `Scheduler`: an interval timer per job in this process (`quarry serve`). Each job runs
 * right away and then every `everyMinutes`, one run at a time; a failed run is logged and the next tick
 * runs again. `close` stops every timer and waits for the runs in progress.
 */
export function createInProcessScheduler(options: InProcessSchedulerOptions): Scheduler {
  const timers = options.timers ?? nodeTimers;
  const jobs = new Map<string, ScheduledJob>();
  return {
    start(job) {
      assertRecurringJob(job);
      if (jobs.has(job.name)) {
        throw new ConflictError(`The job ${job.name} is already scheduled in this process.`, {
          hint: 'Stop it before starting it again.',
        });
      }
      const scheduled = startJob(job, timers, options.logger, () => jobs.delete(job.name));
      jobs.set(job.name, scheduled);
      return scheduled;
    },
    async close() {
      await Promise.all([...jobs.values()].map((job) => job.stop()));
    },
  };
}

function startJob<Input extends JobInput>(
  job: RecurringJob<Input>,
  timers: SchedulerTimers,
  logger: Logger,
  forget: () => void,
): ScheduledJob {
  const controller = new AbortController();
  let running: Promise<void> | undefined;
  const tick = () => {
    // One run at a time: a tick during a run is dropped, not queued behind it.
    if (running !== undefined || controller.signal.aborted) return;
    running = Promise.resolve()
      .then(() => job.run(job.input, controller.signal))
      .catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ job: job.name, error: message }, `scheduled job ${job.name} failed: ${message}`);
      })
      .finally(() => {
        running = undefined;
      });
  };
  const timer = timers.setInterval(tick, job.everyMinutes * 60_000);
  tick();
  return {
    name: job.name,
    async stop() {
      if (!controller.signal.aborted) {
        timers.clearInterval(timer);
        controller.abort(new Error(`The schedule of ${job.name} was stopped.`));
        forget();
      }
      await running;
    },
  };
}
