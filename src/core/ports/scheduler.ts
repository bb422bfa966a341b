import { ValidationError } from '../errors/index.ts';

/** A JSON value: what a schedule can hand to the runs it starts. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** The JSON object each run of a job starts with. */
export type JobInput = { [key: string]: JsonValue };

/**
 * A recurring job as data: what runs, how often, with what input. A cloud schedule is built from this
 * alone (EventBridge Scheduler starts a Step Functions execution with `input`), so it holds no code.
 */
export interface RecurringJobDescription<Input extends JobInput = JobInput> {
  /**
   * Stable name, also the cloud schedule's name: 1 to 64 letters, digits, `-`, `_` or `.`, such as
   * `quarry-sync`.
   */
  name: string;
  /** Minutes from the start of one run to the start of the next: a whole number, at least 1. */
  everyMinutes: number;
  /** What each run starts with, e.g. the sync pass's `{ "force": false }`. */
  input: Input;
}

/** A recurring job that can also run in this process. */
export interface RecurringJob<Input extends JobInput = JobInput> extends RecurringJobDescription<Input> {
  /**
   * One run, in this process. `signal` is aborted when the schedule stops: a run should wind down (the
   * scheduler waits for it either way).
   */
  run(input: Input, signal: AbortSignal): Promise<void>;
}

/** A job a {@link Scheduler} started. */
export interface ScheduledJob {
  readonly name: string;
  /** Stops the timer, aborts the running run's signal and resolves once that run has settled. */
  stop(): Promise<void>;
}

/**
 * Runs recurring jobs in this process (the `serve` command's sync and crawl schedules). In the cloud there
 * is no such process: EventBridge Scheduler starts a state machine, and the job's description is turned
 * into that schedule instead (`describeEventBridgeSchedule`).
 *
 * Contract (checked by `scheduler.contract.ts`):
 * - `start` runs the job once right away (after `start` returns), then every `everyMinutes`.
 * - One run of a job at a time: a tick that finds the previous run still going does nothing (ticks are not
 *   queued), so a slow run never piles up behind itself.
 * - A run that throws or rejects is logged (its message, never a stack with secrets) and the schedule goes
 *   on.
 * - `stop` (and `close`, for every job) stops the timer, aborts the running run's signal and waits for it;
 *   no run starts afterwards; stopping twice is harmless.
 * - A job with a bad name or interval is a `ValidationError`; starting a name that is running is a
 *   `ConflictError`.
 */
export interface Scheduler {
  start<Input extends JobInput>(job: RecurringJob<Input>): ScheduledJob;
  /** Stops every job this scheduler started and waits for their running runs. */
  close(): Promise<void>;
}

/** Checks a job's name and interval against what every scheduler (and EventBridge) accepts. */
export function assertRecurringJob(job: RecurringJobDescription): void {
  if (!/^[0-9A-Za-z_.-]{1,64}$/.test(job.name)) {
    throw new ValidationError(
      `The job name ${JSON.stringify(job.name)} is not valid: expected 1 to 64 letters, digits, "-", "_" or ".".`,
      { hint: 'Name jobs like quarry-sync.' },
    );
  }
  if (!Number.isSafeInteger(job.everyMinutes) || job.everyMinutes < 1) {
    throw new ValidationError(
      `The job ${job.name} must run every whole number of minutes, at least 1; got ${job.everyMinutes}.`,
      { hint: 'Set the interval (e.g. sync.intervalMinutes) to 1 or more.' },
    );
  }
}
