import { createHash, randomUUID } from 'node:crypto';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { NotFoundError, UpstreamError, ValidationError } from '../../core/errors/index.ts';
import { describeUrlSafely, redactUrlSecrets } from '../../core/safe-url.ts';

/** Options of {@link resolveModelFile}. */
export interface ResolveModelFileOptions {
  /** Where downloaded models are kept, e.g. `<QUARRY_HOME>/models`; created when needed. */
  modelsFolder: string;
  fetch?: typeof fetch;
  /** Relative paths are resolved from here. Default the current working directory. */
  workingDirectory?: string;
  /** Sent to the Hugging Face endpoint only, for gated or private repositories. */
  huggingFaceToken?: string;
  /** Where `hf:` references are fetched from (`HF_ENDPOINT`, for a mirror). Default `https://huggingface.co`. */
  huggingFaceEndpoint?: string;
  /** A download that receives no data for this long fails. Default 60 000. */
  idleTimeoutMs?: number;
  signal?: AbortSignal;
  /** What the model is for, in messages. Default `embedding model`. */
  purpose?: string;
  /** The setting that names the model, in hints. Default `knowledge.embedding.model`. */
  setting?: string;
  /** Called as a download advances; `totalBytes` is `undefined` when the server does not say. */
  onProgress?: (receivedBytes: number, totalBytes: number | undefined) => void;
}

const huggingFaceOrigin = 'https://huggingface.co';

/** Every GGUF file starts with these four bytes; anything else is an error page or a different format. */
const ggufMagic = Buffer.from('GGUF', 'ascii');

const downloadHint = (setting: string, destination: string) =>
  `Download the GGUF file on a machine with internet access and copy it to ${destination} (it is then used without network), or set ${setting} to the path of a local .gguf file.`;

/**
 * Turns `knowledge.embedding.model` for llama-cpp into the path of a local GGUF file. A path (relative to
 * the working directory, `~` for the home folder) must exist, or it is a `NotFoundError`. An `https://…`
 * URL or a Hugging Face URI `hf:owner/repo/path/file.gguf` (optionally `#branch`) is downloaded once into
 * `modelsFolder` and reused from there without any network access. The download streams into a temporary
 * file that is renamed only when complete and checked to be GGUF, so the folder never holds a partial
 * model; any failure is an `UpstreamError` whose hint says how to install the file by hand.
 */
export async function resolveModelFile(model: string, options: ResolveModelFileOptions): Promise<string> {
  const specification = model.trim();
  if (!/^(https?:\/\/|hf:)/i.test(specification)) return localModelFile(specification, options);
  const setting = options.setting ?? 'knowledge.embedding.model';
  const url = downloadUrl(specification, setting, options.huggingFaceEndpoint ?? huggingFaceOrigin);
  // Named after the canonical URL, so a copy fetched through a mirror (HF_ENDPOINT) is found either way.
  const destination = path.join(
    options.modelsFolder,
    cacheFileName(downloadUrl(specification, setting, huggingFaceOrigin)),
  );
  if (await isNonEmptyFile(destination)) return destination;
  await mkdir(options.modelsFolder, { recursive: true });
  await download(url, destination, options);
  return destination;
}

/**
 * Where {@link resolveModelFile} keeps (or would keep) the download of an `https://…` or `hf:…` model
 * reference under `modelsFolder`, whether or not it is there yet; `undefined` for a local path or a
 * reference that is not a valid URL. Touches neither the disk nor the network.
 */
export function cachedModelFile(specification: string, modelsFolder: string): string | undefined {
  const trimmed = specification.trim();
  if (!/^(https?:\/\/|hf:)/i.test(trimmed)) return undefined;
  try {
    return path.join(modelsFolder, cacheFileName(downloadUrl(trimmed, 'model', huggingFaceOrigin)));
  } catch {
    return undefined;
  }
}

async function localModelFile(specification: string, options: ResolveModelFileOptions): Promise<string> {
  const expanded = specification.replace(/^~(?=$|[\\/])/, homedir());
  const absolute = path.resolve(options.workingDirectory ?? process.cwd(), expanded);
  const purpose = options.purpose ?? 'embedding model';
  const hint = `Set ${options.setting ?? 'knowledge.embedding.model'} to the path of a .gguf ${purpose}, or to an https:// or hf:owner/repo/file.gguf URL to download one.`;
  const stats = await stat(absolute).catch(() => undefined);
  if (stats === undefined)
    throw new NotFoundError(`The ${purpose} file ${absolute} does not exist.`, { hint });
  if (!stats.isFile()) throw new NotFoundError(`The ${purpose} path ${absolute} is not a file.`, { hint });
  return absolute;
}

/** `hf:owner/repo/dir/file.gguf#branch` → `https://huggingface.co/owner/repo/resolve/branch/dir/file.gguf`. */
function downloadUrl(specification: string, setting: string, huggingFaceEndpoint: string): URL {
  if (/^hf:/i.test(specification)) {
    const [location = '', branch = 'main'] = specification.slice(3).split('#');
    const segments = location.split('/').filter((segment) => segment !== '');
    const [owner, repo, ...file] = segments;
    if (owner === undefined || repo === undefined || file.length === 0 || segments.includes('..')) {
      throw new ValidationError(`${setting} ${specification} is not a valid Hugging Face URI.`, {
        hint: 'Use hf:owner/repo/file.gguf (optionally followed by #branch), or an https:// URL of the .gguf file.',
      });
    }
    const encoded = [owner, repo, 'resolve', branch, ...file].map(encodeURIComponent).join('/');
    return new URL(`${huggingFaceEndpoint.replace(/\/+$/, '')}/${encoded}`);
  }
  if (!URL.canParse(specification)) {
    throw new ValidationError(`${setting} is not a valid URL.`, {
      hint: 'Use the https:// URL of a .gguf file, an hf:owner/repo/file.gguf URI, or a local path.',
    });
  }
  return new URL(specification);
}

/**
 * The file name under `modelsFolder`: the URL's file name plus a short hash of its origin and path, so
 * two sources with the same file name do not collide. Query and userinfo are left out of the hash because
 * signed URLs change them on every request.
 */
function cacheFileName(url: URL): string {
  const lastSegment = decodeURIComponent(url.pathname.split('/').filter(Boolean).at(-1) ?? 'model');
  const stem = lastSegment.replace(/\.gguf$/i, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'model';
  const hash = createHash('sha256').update(`${url.origin}${url.pathname}`).digest('hex').slice(0, 8);
  return `${stem}.${hash}.gguf`;
}

async function isNonEmptyFile(file: string): Promise<boolean> {
  const stats = await stat(file).catch(() => undefined);
  return stats?.isFile() === true && stats.size > 0;
}

/** A reason a download failed, worded to follow "failed: ". */
class DownloadProblem extends Error {}

async function download(url: URL, destination: string, options: ResolveModelFileOptions): Promise<void> {
  const source = `${path.basename(url.pathname)} from ${describeUrlSafely(url.href)}`;
  const temporary = path.join(
    path.dirname(destination),
    `.${path.basename(destination)}.${randomUUID()}.part`,
  );
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const idle = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const touch = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(new Error(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  };
  const signal = options.signal === undefined ? idle.signal : AbortSignal.any([options.signal, idle.signal]);
  touch();
  const progress: Progress = { answered: false, bytes: 0 };
  try {
    const response = await requestModel(url, signal, options);
    progress.answered = true;
    const report = options.onProgress;
    const total = Number(response.headers.get('content-length') ?? Number.NaN);
    await writeBody(response, temporary, progress, () => {
      touch();
      report?.(progress.bytes, Number.isFinite(total) ? total : undefined);
    });
    await rename(temporary, destination);
  } catch (error) {
    await rm(temporary, { force: true });
    if (options.signal?.aborted) throw options.signal.reason;
    const reason = describeFailure(error, url, idle.signal, progress);
    throw new UpstreamError(
      `The download of the ${options.purpose ?? 'embedding model'} ${source} failed: ${reason}.`,
      {
        hint: downloadHint(options.setting ?? 'knowledge.embedding.model', destination),
      },
    );
  } finally {
    clearTimeout(timer);
  }
}

async function requestModel(
  url: URL,
  signal: AbortSignal,
  options: ResolveModelFileOptions,
): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/octet-stream, */*;q=0.1' };
  const huggingFace = new URL(options.huggingFaceEndpoint ?? huggingFaceOrigin);
  if (options.huggingFaceToken && url.origin === huggingFace.origin) {
    headers.authorization = `Bearer ${options.huggingFaceToken}`;
  }
  // fetch refuses URLs with credentials, so userinfo becomes Basic authentication.
  const target = new URL(url.href);
  if (target.username !== '' || target.password !== '') {
    const credentials = `${decodeURIComponent(target.username)}:${decodeURIComponent(target.password)}`;
    headers.authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
    target.username = '';
    target.password = '';
  }
  const response = await (options.fetch ?? globalThis.fetch)(target.href, { headers, signal });
  if (!response.ok) {
    await response.body?.cancel().catch(() => {});
    const statusText = response.statusText ? ` ${response.statusText}` : '';
    throw new DownloadProblem(`the server answered ${response.status}${statusText}`);
  }
  return response;
}

/** How far a download got, for the error message. */
interface Progress {
  answered: boolean;
  bytes: number;
}

/** Streams the body into `temporary`, checking the GGUF signature and the announced length. */
async function writeBody(
  response: Response,
  temporary: string,
  progress: Progress,
  touch: () => void,
): Promise<void> {
  if (response.body === null) throw new DownloadProblem('the server sent no data');
  const expectedBytes = Number(response.headers.get('content-length') ?? Number.NaN);
  const file = await open(temporary, 'wx');
  const reader = response.body.getReader();
  try {
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      const bytes = Buffer.from(part.value.buffer, part.value.byteOffset, part.value.byteLength);
      if (progress.bytes < ggufMagic.length) assertGgufStart(bytes, progress.bytes);
      await file.write(bytes);
      progress.bytes += bytes.length;
      touch();
    }
  } finally {
    await reader.cancel().catch(() => {});
    await file.close();
  }
  const written = progress.bytes;
  if (written < ggufMagic.length)
    throw new DownloadProblem(`the server sent ${written} bytes, not a GGUF model`);
  if (Number.isFinite(expectedBytes) && written !== expectedBytes) {
    throw new DownloadProblem(`the transfer ended after ${written} of ${expectedBytes} bytes`);
  }
}

function assertGgufStart(bytes: Buffer, offset: number): void {
  const expected = ggufMagic.subarray(offset, offset + bytes.length);
  if (!bytes.subarray(0, expected.length).equals(expected)) {
    throw new DownloadProblem('the server sent something that is not a GGUF model (an error page?)');
  }
}

function describeFailure(error: unknown, url: URL, idleSignal: AbortSignal, progress: Progress): string {
  if (error instanceof DownloadProblem) return error.message;
  if (idleSignal.aborted) return `the server stopped sending (${(idleSignal.reason as Error).message})`;
  // undici reports "fetch failed" and hides the socket error (ECONNREFUSED, ENOTFOUND...) in `cause`.
  const cause = error instanceof Error ? error.cause : undefined;
  const code = (cause as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') {
    return progress.answered
      ? `the connection broke after ${progress.bytes} bytes (${code})`
      : `could not connect (${code})`;
  }
  const inner = cause instanceof Error ? cause : error;
  return redactUrlSecrets(inner instanceof Error ? inner.message : String(inner), url.href);
}
