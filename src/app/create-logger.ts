import { type Logger as PinoLogger, pino } from 'pino';
import type { Redactor } from '../core/redact.ts';

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  level: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  redact: Redactor;
  /** `json` keeps pino's lines; `human` prints `time level message key=value`. */
  format: 'json' | 'human';
  /** Where lines go (standard error by default, so standard output stays clean for `--json`). */
  write?: (line: string) => void;
}

/**
 * A pino logger for the command line, the server and Lambda (JSON lines for CloudWatch). Every line passes through the redactor before it is written, so a
 * secret that slipped into a field or message is still never printed.
 */
export function createLogger(options: LoggerOptions): PinoLogger {
  const write = options.write ?? ((line: string) => process.stderr.write(line));
  const destination = {
    write(line: string) {
      const safe = options.redact(line);
      write(options.format === 'json' ? safe : humanLine(safe));
    },
  };
  return pino(
    {
      level: options.level,
      base: null,
      redact: {
        paths: ['token', '*.token', 'authorization', '*.authorization', 'password', '*.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

const levelNames: Record<number, string> = {
  10: 'trace',
  20: 'debug',
  30: 'info',
  40: 'warn',
  50: 'error',
  60: 'fatal',
};

function humanLine(jsonLine: string): string {
  const { level, time, msg, ...fields } = JSON.parse(jsonLine) as Record<string, unknown>;
  const details = Object.entries(fields)
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(' ');
  const clock = new Date(Number(time)).toISOString().slice(11, 19);
  return `${clock} ${levelNames[Number(level)] ?? level} ${String(msg)}${details ? ` ${details}` : ''}\n`;
}
