import { mkdir, stat, writeFile } from 'node:fs/promises';
import * as path from 'node:path';

const words =
  `const let function return import export from class interface type extends implements async await
  if else for while switch case break continue new this super null undefined true false string number boolean
  promise stream buffer object array map set key value index length error message config store catalog release
  repository version archive extract download upload request response handler options result event logger
  // note: handle the edge case when the list is empty and nothing was found in the cache
  * Copyright Amazon.com, Inc. or its affiliates. All Rights Reserved. SPDX-License-Identifier: Apache-2.0`.split(
    /\s+/,
  );

/** A small fast deterministic random generator (mulberry32), so every run builds the same tree. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

function sourceText(next: () => number, size: number): string {
  const parts: string[] = [];
  let length = 0;
  while (length < size) {
    const word = words[Math.floor(next() * words.length)] ?? 'x';
    const separator = next() < 0.1 ? `;\n${' '.repeat(Math.floor(next() * 8))}` : ' ';
    const token = next() < 0.15 ? `${word}${Math.floor(next() * 100000)}` : word;
    parts.push(token, separator);
    length += token.length + separator.length;
  }
  return parts.join('').slice(0, size);
}

/**
 * Writes a source-like tree of about `totalBytes` in `fileCount` files (sizes vary from a few hundred
 * bytes to ~3x the mean, in nested folders) under `root/<topFolder>/`. Reuses the tree if it is there.
 */
export async function generateSourceTree(
  root: string,
  topFolder: string,
  fileCount: number,
  totalBytes: number,
): Promise<void> {
  const marker = path.join(root, '.complete');
  if (await stat(marker).catch(() => undefined)) return;
  const next = random(fileCount);
  const mean = totalBytes / fileCount;
  for (let index = 0; index < fileCount; index += 1) {
    const folder = path.join(
      root,
      topFolder,
      `packages/pkg-${index % 40}`,
      `src/module-${Math.floor(index / 40) % 25}`,
    );
    if (index < 1000) await mkdir(folder, { recursive: true });
    const extension = index % 10 === 0 ? 'md' : 'ts';
    const size = Math.max(200, Math.floor(mean * 2 * next()));
    await writeFile(path.join(folder, `file-${index}.${extension}`), sourceText(next, size));
  }
  await writeFile(marker, '');
}
