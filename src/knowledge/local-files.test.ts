import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ValidationError } from '../core/errors/index.ts';
import { localFiles, resolveLocalRoots } from './local-files.ts';

let folder: string;

beforeEach(() => {
  folder = fs.mkdtempSync(path.join(os.tmpdir(), 'quarry-local-files-'));
});
afterEach(() => fs.rmSync(folder, { recursive: true, force: true }));

function write(files: Record<string, string>): void {
  for (const [file, body] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(folder, file)), { recursive: true });
    fs.writeFileSync(path.join(folder, file), body);
  }
}

async function pathsOf(given: string[]): Promise<string[]> {
  const paths: string[] = [];
  for await (const file of localFiles(resolveLocalRoots(given, folder))) paths.push(file.path);
  return paths;
}

describe('localFiles', () => {
  it('honours nested .gitignore files and skips version-control and dependency folders', async () => {
    write({
      'repo/.gitignore': 'build/\n*.tmp\n',
      'repo/src/a.ts': 'a',
      'repo/src/b.tmp': 'b',
      'repo/build/out.js': 'c',
      'repo/docs/.gitignore': 'draft.md\n',
      'repo/docs/draft.md': 'd',
      'repo/docs/final.md': 'e',
      'repo/.git/config': 'f',
      'repo/node_modules/x/index.js': 'g',
      'other.md': 'h',
    });
    expect(await pathsOf(['repo', 'other.md'])).toEqual([
      'repo/.gitignore',
      'repo/docs/.gitignore',
      'repo/docs/final.md',
      'repo/src/a.ts',
      'other.md',
    ]);
  });

  it('does not follow symbolic links, so a loop cannot trap the walk', async () => {
    write({ 'tree/a.md': 'a' });
    fs.symlinkSync(path.join(folder, 'tree'), path.join(folder, 'tree', 'loop'));
    expect(await pathsOf(['tree'])).toEqual(['tree/a.md']);
  });

  it('reports a file removed after listing as not found', async () => {
    write({ 'gone/a.md': 'a' });
    const files = localFiles(resolveLocalRoots(['gone'], folder));
    for await (const file of files) {
      fs.rmSync(path.join(folder, 'gone', 'a.md'));
      await expect(file.read()).rejects.toMatchObject({ name: 'NotFoundError' });
    }
  });

  it('rejects a path that does not exist, naming it', () => {
    expect(() => resolveLocalRoots(['nowhere'], folder)).toThrow(ValidationError);
    expect(() => resolveLocalRoots(['nowhere'], folder)).toThrow(/nowhere/);
  });
});
