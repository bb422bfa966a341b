import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cachedModelFile } from '../llama-cpp/resolve-model-file.ts';
import { listGgufFiles, locateModelFile } from './gguf-files.ts';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'quarry-gguf-'));
});
afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function put(relative: string, bytes: number): Promise<string> {
  const file = path.join(folder, relative);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, Buffer.alloc(bytes, 1));
  return file;
}

describe('listGgufFiles', () => {
  it('finds .gguf files recursively with their sizes, skipping partial downloads and other files', async () => {
    const top = await put('tiny.gguf', 10);
    const nested = await put('org/repo/Big.GGUF', 30);
    await put('.tiny.abc123.gguf.0f1e2d.part', 5);
    await put('other.gguf.part', 5);
    await put('notes.txt', 5);
    await put('empty.gguf', 0);
    await mkdir(path.join(folder, 'folder.gguf'));
    expect(await listGgufFiles(folder)).toEqual([
      { path: nested, sizeBytes: 30 },
      { path: top, sizeBytes: 10 },
    ]);
  });

  it('follows a symbolic link to a model kept elsewhere', async () => {
    const real = await put('elsewhere/model.bin', 12);
    await mkdir(path.join(folder, 'models'));
    await symlink(real, path.join(folder, 'models', 'linked.gguf'));
    expect(await listGgufFiles(path.join(folder, 'models'))).toEqual([
      { path: path.join(folder, 'models', 'linked.gguf'), sizeBytes: 12 },
    ]);
  });

  it('lists nothing for a folder that does not exist', async () => {
    expect(await listGgufFiles(path.join(folder, 'missing'))).toEqual([]);
  });
});

describe('locateModelFile', () => {
  const modelsFolder = () => path.join(folder, 'models');

  it('resolves a relative path from the working directory and reports its size', async () => {
    const file = await put('work/model.gguf', 7);
    const options = { modelsFolder: modelsFolder(), workingDirectory: path.join(folder, 'work') };
    expect(await locateModelFile('./model.gguf', options)).toEqual({
      source: 'path',
      path: file,
      sizeBytes: 7,
    });
    expect(await locateModelFile('missing.gguf', options)).toEqual({
      source: 'path',
      path: path.join(folder, 'work', 'missing.gguf'),
      sizeBytes: undefined,
    });
  });

  it('expands ~ to the home folder', async () => {
    const file = await put('home/m.gguf', 3);
    const options = {
      modelsFolder: modelsFolder(),
      workingDirectory: '/',
      homeDirectory: path.join(folder, 'home'),
    };
    expect(await locateModelFile('~/m.gguf', options)).toMatchObject({ path: file, sizeBytes: 3 });
  });

  it('finds a URL reference in the download cache only once it has been downloaded', async () => {
    const reference = 'hf:owner/repo/model-q4.gguf';
    const options = { modelsFolder: modelsFolder(), workingDirectory: folder };
    const cached = cachedModelFile(reference, modelsFolder());
    expect(cached).toMatch(/model-q4\.[0-9a-f]{8}\.gguf$/);
    expect(await locateModelFile(reference, options)).toEqual({
      source: 'download',
      path: cached,
      sizeBytes: undefined,
    });
    await put(path.relative(folder, cached ?? ''), 9);
    expect(await locateModelFile(reference, options)).toEqual({
      source: 'download',
      path: cached,
      sizeBytes: 9,
    });
  });

  it('has no cache path for an invalid Hugging Face reference', async () => {
    const options = { modelsFolder: modelsFolder(), workingDirectory: folder };
    expect(await locateModelFile('hf:only-owner', options)).toEqual({
      source: 'download',
      path: undefined,
      sizeBytes: undefined,
    });
  });
});
