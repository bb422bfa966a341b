import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { buffer } from 'node:stream/consumers';
import { create } from 'tar';

/** A GitHub-style source tarball (.tar.gz) holding `files` under one top folder. */
export async function buildSourceTarball(topFolder: string, files: Record<string, string>): Promise<Buffer> {
  const folder = await mkdtemp(path.join(tmpdir(), 'quarry-tarball-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      const file = path.join(folder, topFolder, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
    }
    return await buffer(create({ gzip: true, cwd: folder, portable: true }, [topFolder]));
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
