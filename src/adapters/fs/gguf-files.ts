import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { cachedModelFile } from '../llama-cpp/resolve-model-file.ts';

/** A GGUF model file found on disk. */
export interface GgufFile {
  /** Absolute path. */
  path: string;
  sizeBytes: number;
}

/**
 * Every `*.gguf` file under `folder` (recursively, following symbolic links to files), sorted by path.
 * Downloads in progress (`*.part`, written beside the final file and renamed when complete) are skipped,
 * so a half-fetched model is never offered. A folder that does not exist holds no files; entries that
 * vanish or cannot be read while listing are skipped rather than failing the whole listing.
 */
export async function listGgufFiles(folder: string): Promise<GgufFile[]> {
  const root = path.resolve(folder);
  const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => [] as Dirent[]);
  const candidates = entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isGgufName(entry.name))
    .map((entry) => path.join(entry.parentPath, entry.name));
  const files = await Promise.all(candidates.map(fileSize));
  return files
    .filter((file): file is GgufFile => file !== undefined)
    .sort((left, right) => left.path.localeCompare(right.path));
}

/** Where a llama-cpp model reference lives on disk, and whether it is there. */
export interface ModelFileState {
  /** `path` for a local file, `download` for an `https://` or `hf:` reference fetched on first use. */
  source: 'path' | 'download';
  /** The absolute file path (for a download: where it is cached); `undefined` for an invalid URL. */
  path: string | undefined;
  /** The file's size when it exists (and, for a download, is complete); `undefined` otherwise. */
  sizeBytes: number | undefined;
}

/** Options of {@link locateModelFile}. */
export interface LocateModelFileOptions {
  /** Where downloaded models are cached: `<QUARRY_HOME>/models`. */
  modelsFolder: string;
  /** Relative paths are resolved from here. */
  workingDirectory: string;
  /** What `~` stands for. Default the user's home folder. */
  homeDirectory?: string;
}

/**
 * Finds the file a llama-cpp model reference (`models.entries.*.model`) means, the same way loading the
 * model does (a path relative to the working directory or `~`; a URL cached under `modelsFolder`), and
 * whether it exists, without downloading anything.
 */
export async function locateModelFile(
  specification: string,
  options: LocateModelFileOptions,
): Promise<ModelFileState> {
  const trimmed = specification.trim();
  if (/^(https?:\/\/|hf:)/i.test(trimmed)) {
    const cached = cachedModelFile(trimmed, options.modelsFolder);
    const found = cached === undefined ? undefined : await fileSize(cached);
    return { source: 'download', path: cached, sizeBytes: found?.sizeBytes };
  }
  const expanded = trimmed.replace(/^~(?=$|[\\/])/, options.homeDirectory ?? homedir());
  const absolute = path.resolve(options.workingDirectory, expanded);
  return { source: 'path', path: absolute, sizeBytes: (await fileSize(absolute))?.sizeBytes };
}

function isGgufName(name: string): boolean {
  return /\.gguf$/i.test(name);
}

/** The size of a non-empty regular file (after links); `undefined` for anything else. */
async function fileSize(file: string): Promise<GgufFile | undefined> {
  const stats = await stat(file).catch(() => undefined);
  if (stats === undefined || !stats.isFile() || stats.size === 0) return undefined;
  return { path: file, sizeBytes: stats.size };
}
