import type { Logger } from '../../core/ports/logger.ts';
import type { Notifier, QuarryEvent } from '../../core/ports/notifier.ts';

/**
 * The embedded default `Notifier`: writes each event as one `info` line, with the event's fields as
 * structured fields and its human sentence as the message. Never fails on its own.
 */
export function createLogNotifier(logger: Logger): Notifier {
  return {
    name: 'log',
    async notify(event: QuarryEvent): Promise<void> {
      const { message, ...fields } = event;
      logger.info(fields, message);
    },
  };
}
