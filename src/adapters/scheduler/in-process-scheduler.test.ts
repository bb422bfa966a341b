import { vi } from 'vitest';
import { describeSchedulerContract } from '../../core/ports/scheduler.contract.ts';
import { createInProcessScheduler } from './in-process-scheduler.ts';

describeSchedulerContract('in-process timer', async () => {
  vi.useFakeTimers();
  const errors: string[] = [];
  const logger = {
    debug() {},
    info() {},
    warn() {},
    error: (_fields: object, message: string) => {
      errors.push(message);
    },
  };
  return {
    scheduler: createInProcessScheduler({ logger }),
    advance: async (milliseconds) => {
      await vi.advanceTimersByTimeAsync(milliseconds);
    },
    errors: () => errors,
    cleanup: async () => {
      vi.useRealTimers();
    },
  };
});
