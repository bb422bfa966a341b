import { describe, expect, it } from 'vitest';
import { createCapturingLogger } from '../../../test/support/capturing-logger.ts';
import { sampleReleaseEvent } from '../../../test/support/sample-event.ts';
import { describeNotifierContract } from '../../core/ports/notifier.contract.ts';
import type { QuarryEvent } from '../../core/ports/notifier.ts';
import { createLogNotifier } from './log-notifier.ts';

describeNotifierContract('log', async () => {
  const logger = createCapturingLogger();
  return {
    notifier: createLogNotifier(logger),
    delivered: async () =>
      logger.lines.map((line) => ({ ...line.fields, message: line.message }) as unknown as QuarryEvent),
    cleanup: async () => {},
  };
});

describe('createLogNotifier', () => {
  it('logs one info line with the event fields and the message', async () => {
    const logger = createCapturingLogger();
    const event = sampleReleaseEvent();
    await createLogNotifier(logger).notify(event);
    const { message, ...fields } = event;
    expect(logger.lines).toEqual([{ level: 'info', fields, message }]);
  });
});
