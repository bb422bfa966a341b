import type { LogFields, Logger } from '../../src/core/ports/logger.ts';

/** One captured log call. */
export interface CapturedLine {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: LogFields;
  message: string;
}

/** A logger that keeps every line, for tests that check what was (and was not) logged. */
export function createCapturingLogger(): Logger & { lines: CapturedLine[]; text(): string } {
  const lines: CapturedLine[] = [];
  const capture = (level: CapturedLine['level']) => (fields: LogFields, message: string) => {
    lines.push({ level, fields, message });
  };
  return {
    lines,
    debug: capture('debug'),
    info: capture('info'),
    warn: capture('warn'),
    error: capture('error'),
    text: () =>
      lines.map((line) => `${line.level} ${line.message} ${JSON.stringify(line.fields)}`).join('\n'),
  };
}
