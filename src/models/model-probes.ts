/** What a probe found: the models, or why there are none. */
export type ProbeListing<T> =
  | { ok: true; models: readonly T[] }
  | { ok: false; reason: string; detail: string };

/** A model pulled into Ollama. */
export interface OllamaTag {
  name: string;
  sizeBytes?: number;
  parameterSize?: string;
  quantizationLevel?: string;
}

/** A text model Amazon Bedrock offers; `onDemand` is false for models served through inference profiles only. */
export interface BedrockModel {
  modelId: string;
  modelName?: string;
  onDemand: boolean;
}

/** Where a llama-cpp reference lives on disk (a download: its cache path); `sizeBytes` only when present. */
export interface ModelFileState {
  source: 'path' | 'download';
  path: string | undefined;
  sizeBytes: number | undefined;
}

/**
 * The checks behind `quarry models list` (see `listModels`), passed in by the composition root so that the
 * listing itself never touches the network or the disk. Each should answer within the listing's timeout
 * and report failures as results; one that throws or hangs anyway is turned into a failure by
 * {@link guardProbes}.
 */
export interface ModelProbes {
  /** The model ids `GET <baseURL>/models` lists (OpenAI and OpenAI-compatible servers). */
  listServerModels(baseURL: string, apiKey: string | undefined): Promise<ProbeListing<string>>;
  /** The models pulled into the Ollama server behind an OpenAI-compatible base URL. */
  listOllamaModels(baseURL: string, apiKey: string | undefined): Promise<ProbeListing<OllamaTag>>;
  /** Bedrock's text models in a region; fails with a detail when there are no AWS credentials. */
  listBedrockModels(region: string): Promise<ProbeListing<BedrockModel>>;
  /** Where a llama-cpp model reference is on disk, without downloading it. */
  locateModelFile(specification: string): Promise<ModelFileState>;
  /** The `.gguf` files in `<QUARRY_HOME>/models`. */
  listGgufFiles(): Promise<ReadonlyArray<{ path: string; sizeBytes: number }>>;
}

/**
 * Wraps every probe so that it runs once per distinct arguments (the same server is asked once however
 * many entries name it), settles within `timeoutMs` (plus a little slack), and never throws: a failure or
 * a timeout becomes an unreachable listing, a missing file or an empty folder.
 */
export function guardProbes(probes: ModelProbes, timeoutMs: number): ModelProbes {
  const failedListing = (detail: string) => ({ ok: false as const, reason: 'unreachable', detail });
  return {
    listServerModels: guard(probes.listServerModels.bind(probes), timeoutMs, failedListing),
    listOllamaModels: guard(probes.listOllamaModels.bind(probes), timeoutMs, failedListing),
    listBedrockModels: guard(probes.listBedrockModels.bind(probes), timeoutMs, failedListing),
    locateModelFile: guard(probes.locateModelFile.bind(probes), timeoutMs, () => ({
      source: 'path',
      path: undefined,
      sizeBytes: undefined,
    })),
    listGgufFiles: guard(probes.listGgufFiles.bind(probes), timeoutMs, () => []),
  };
}

function guard<A extends unknown[], R>(
  probe: (...args: A) => Promise<R>,
  timeoutMs: number,
  fallback: (detail: string) => R,
): (...args: A) => Promise<R> {
  const answers = new Map<string, Promise<R>>();
  return (...args) => {
    const key = JSON.stringify(args);
    let answer = answers.get(key);
    if (answer === undefined) {
      answer = withDeadline(probe(...args), timeoutMs).catch((error: unknown) =>
        fallback(describeProbeError(error, timeoutMs)),
      );
      answers.set(key, answer);
    }
    return answer;
  };
}

/** A deadline of its own, because a probe that ignores its timeout must not make the whole listing wait. */
async function withDeadline<T>(promise: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    // A little slack, so that a probe's own timeout (with its clearer detail) normally wins.
    timer = setTimeout(() => reject(new ProbeTimeout()), timeoutMs + 500);
  });
  try {
    return await Promise.race([promise, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

class ProbeTimeout extends Error {}

function describeProbeError(error: unknown, timeoutMs: number): string {
  if (error instanceof ProbeTimeout) return `no answer within ${timeoutMs / 1000} s`;
  return `the check failed: ${error instanceof Error ? error.message : String(error)}`;
}
