import type { Command } from 'commander';
import { startServer } from '../../app/start-server.ts';
import { ValidationError } from '../../core/errors/index.ts';
import { type CliIo, withServices } from '../cli-context.ts';
import { waitForStop } from '../stop-signal.ts';

interface ServeOptions {
  host?: string;
  port?: string;
  schedule: boolean;
}

/** Registers `quarry serve`: the API, the web app and the sync schedule in one process. */
export function registerServeCommand(program: Command, io: CliIo): void {
  program
    .command('serve')
    .description(
      'serve the HTTP API and the web app; sync + index, and crawl crawl.sites, on a schedule (until Ctrl-C)',
    )
    .option('--host <address>', 'address to listen on (default: server.host, 127.0.0.1)')
    .option('--port <number>', 'port to listen on (default: server.port, 8787; 0 picks a free one)')
    .option('--no-schedule', 'do not sync or crawl on a schedule (sync only when asked via the API)')
    .action(async (options: ServeOptions, command: Command) => {
      await withServices(command, io, async (services) => {
        const { server } = services.config;
        const running = await startServer(services, {
          host: options.host ?? server.host,
          port: options.port === undefined ? server.port : parsePort(options.port),
          schedule: options.schedule && server.schedule,
          announce: (line) => io.stdout(`${line}\n`),
        });
        io.stdout(
          `Quarry is running at ${running.url} (API docs: ${running.url}/api/docs). Press Ctrl-C to stop.\n`,
        );
        const stop = waitForStop(services.logger);
        try {
          await new Promise<void>((resolve) =>
            stop.signal.addEventListener('abort', () => resolve(), { once: true }),
          );
        } finally {
          stop.dispose();
          await running.close();
        }
      });
    });
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ValidationError(`--port takes a number from 0 to 65535, got ${JSON.stringify(text)}.`);
  }
  return port;
}
