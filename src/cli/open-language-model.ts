import type { Services } from '../app/create-services.ts';
import {
  type ModelLease,
  openLanguageModel as openModel,
  openRequiredModel as openRequired,
} from '../app/open-language-model.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import type { CliIo } from './cli-context.ts';
import { createDownloadProgress } from './download-progress.ts';

/**
 * The download display of a command: a bar on a terminal (log lines, llama.cpp's among them, wait until
 * it is done, since they would be drawn over), a line every 10% otherwise.
 */
function downloadDisplay(services: Services, io: CliIo) {
  return (modelName: string) => {
    const progress = createDownloadProgress(`model ${modelName}`, io.interactive, io.stderr);
    const releaseLogs = io.interactive ? services.holdLogs() : () => {};
    return {
      update: progress.update,
      stop() {
        progress.stop();
        releaseLogs();
      },
    };
  };
}

/** Opens `--model` (or the default) for a command, showing a download; see the app's `openLanguageModel`. */
export function openLanguageModel(
  services: Services,
  io: CliIo,
  options: { reference?: string; allowRetrievalOnly: boolean },
): Promise<ModelLease> {
  return openModel(services, { ...options, downloadDisplay: downloadDisplay(services, io) });
}

/** Opens `--model` (or the default) for a command that cannot do without a model. */
export function openRequiredModel(
  services: Services,
  io: CliIo,
  reference: string | undefined,
): Promise<LanguageRuntime> {
  return openRequired(services, {
    downloadDisplay: downloadDisplay(services, io),
    ...(reference === undefined ? {} : { reference }),
  });
}
