import { describe, expect, it } from 'vitest';
import type { LogFields, Logger } from '../../core/ports/logger.ts';
import { describeNotifierContract } from '../../core/ports/notifier.contract.ts';
import type { QuarryEvent } from '../../core/ports/notifier.ts';
import { createLogNotifier } from './log-notifier.ts';

interface LogLine {
  level: keyof Logger;
  fields: LogFields;
  message: string;
}

function createCapturingLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  const capture =
    (level: keyof Logger) =>
    (fields: LogFields, message: string): void => {
      lines.push({ level, fields, message });
    };
  return {
    lines,
    debug: capture('debug'),
    info: capture('info'),
    warn: capture('warn'),
    error: capture('error'),
  };
}

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
    await createLogNotifier(logger).notify({
      event: 'release-extracted',
      repo: 'owner/repo',
      tag: 'v1.2.3',
      previousTag: 'v1.2.2',
      files: 10,
      bytes: 1234,
      location: 'file:///tmp/current/owner/repo/v1.2.3/',
      message:
        'Repository owner/repo with the tag v1.2.3 has been extracted to file:///tmp/current/owner/repo/v1.2.3/',
    });
    expect(logger.lines).toEqual([
      {
        level: 'info',
        fields: {
          event: 'release-extracted',
          repo: 'owner/repo',
          tag: 'v1.2.3',
          previousTag: 'v1.2.2',
          files: 10,
          bytes: 1234,
          location: 'file:///tmp/current/owner/repo/v1.2.3/',
        },
        message:
          'Repository owner/repo with the tag v1.2.3 has been extracted to file:///tmp/current/owner/repo/v1.2.3/',
      },
    ]);
  });
});
