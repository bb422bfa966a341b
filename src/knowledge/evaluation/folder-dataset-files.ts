import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { type DatasetFiles, isHiddenName, rootMarkers } from './dataset-files.ts';
import { textLines } from './text-lines.ts';

/**
 * A dataset in a folder. The root is the folder itself when it holds a root marker, else its only
 * visible subfolder (a BEIR download unpacked one level too high), else the folder again so the missing
 * files are reported against what the user gave.
 */
export async function openFolderDatasetFiles(folder: string): Promise<DatasetFiles> {
  const root = await findRoot(folder);
  const absolute = (relativePath: string) => path.join(folder, root, ...relativePath.split('/'));
  return {
    root,
    has: async (relativePath) => isFile(absolute(relativePath)),
    list: async (subfolder) => {
      const entries = await readdir(absolute(subfolder), { withFileTypes: true }).catch(() => []);
      return entries
        .filter((entry) => entry.isFile())
        .map((entry) => entry.name)
        .sort();
    },
    lines: (relativePath) => textLines(createReadStream(absolute(relativePath))),
    close: async () => {},
  };
}

async function findRoot(folder: string): Promise<string> {
  for (const marker of rootMarkers) if (await isFile(path.join(folder, marker))) return '';
  const entries = await readdir(folder, { withFileTypes: true });
  const subfolders = entries.filter((entry) => entry.isDirectory() && !isHiddenName(entry.name));
  return subfolders.length === 1 && subfolders[0] ? `${subfolders[0].name}/` : '';
}

async function isFile(file: string): Promise<boolean> {
  const found = await stat(file).catch(() => undefined);
  return found?.isFile() === true;
}
