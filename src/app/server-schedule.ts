import { removeExpiredSessions } from '../accounts/sessions.ts';
import { createInProcessScheduler } from '../adapters/scheduler/in-process-scheduler.ts';
import type { SyncController } from '../api/sync-controller.ts';
import { ConflictError } from '../core/errors/index.ts';
import type { Scheduler } from '../core/ports/scheduler.ts';
import { crawlConfiguredSites } from './crawl-configured-sites.ts';
import type { Services } from './create-services.ts';

/** Expired sessions are already refused when read; the sweep only keeps the table small. */
const sessionSweepMinutes = 60;

/**
 * `quarry serve`'s recurring jobs on the in-process `Scheduler`, each run right away and then on its
 * interval, one run at a time: sync + index every `sync.intervalMinutes` (through the same controller as
 * `POST /api/sync`, so a pass an admin started makes the tick a no-op), a crawl of `crawl.sites` every
 * `crawl.intervalMinutes`, and an hourly sweep of expired sessions. On AWS the same jobs are EventBridge
 * schedules instead (`describeEventBridgeSchedule`).
 */
export function startServerSchedule(services: Services, sync: SyncController): Scheduler {
  const scheduler = createInProcessScheduler({ logger: services.logger });
  scheduler.start({
    name: 'quarry-sync',
    everyMinutes: services.config.sync.intervalMinutes,
    input: {},
    run: async () => {
      try {
        sync.start({});
      } catch (error) {
        if (error instanceof ConflictError) return;
        throw error;
      }
      await sync.idle();
    },
  });
  if (services.config.crawl.sites.length > 0) {
    scheduler.start({
      name: 'quarry-crawl',
      everyMinutes: services.config.crawl.intervalMinutes,
      input: {},
      run: async (_input, signal) => {
        await crawlConfiguredSites(services, signal);
      },
    });
  }
  scheduler.start({
    name: 'quarry-session-sweep',
    everyMinutes: sessionSweepMinutes,
    input: {},
    run: async () => {
      await removeExpiredSessions({ catalog: services.catalog, clock: () => new Date() });
    },
  });
  return scheduler;
}
