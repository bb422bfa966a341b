import { execFileSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ArchiveEntrySpec,
  buildTar,
  buildTarGz,
  buildZip,
  chunked,
  paxGlobalHeader,
} from '../../test/support/archives.ts';
import { createExtractionFixture, type ExtractionFixture } from '../../test/support/extraction-fixture.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { ExtractProgress } from './archive-types.ts';
import { extractArchive } from './extract-archive.ts';
import { parseIgnoreRules } from './ignore-rules.ts';

const root = 'acme-widgets-1a2b3c4';

let fixture: ExtractionFixture;
beforeEach(async () => {
  fixture = await createExtractionFixture();
});
afterEach(async () => {
  await fixture.remove();
});

function githubStyleEntries(): ArchiveEntrySpec[] {
  return [
    paxGlobalHeader('1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d'),
    { path: `${root}/`, type: 'directory' },
    { path: `${root}/README.md`, body: '# Widgets\n' },
    { path: `${root}/src/`, type: 'directory' },
    { path: `${root}/src/index.ts`, body: 'export const widget = 1;\n' },
    { path: `${root}/docs/guide.md`, body: 'guide' },
    { path: `${root}/docs/keep.md`, body: 'keep' },
    { path: `${root}/assets/logo.png`, body: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) },
  ];
}

describe('extractArchive with tar.gz', () => {
  it('stores a GitHub-style tarball under its raw paths and reports the root folder', async () => {
    const result = await fixture.extract('tar.gz', buildTarGz(githubStyleEntries()));

    expect(result).toEqual({
      files: 5,
      bytes: 10 + 25 + 5 + 4 + 4,
      rootFolder: root,
      skipped: { ignored: 0, links: 0, special: 0, directories: 2 },
    });
    expect([...(await fixture.staged()).keys()].sort()).toEqual(
      [
        `${root}/README.md`,
        `${root}/assets/logo.png`,
        `${root}/docs/guide.md`,
        `${root}/docs/keep.md`,
        `${root}/src/index.ts`,
      ].sort(),
    );
    expect(await fixture.read(`${root}/src/index.ts`)).toBe('export const widget = 1;\n');
  });

  it('extracts an archive made by git archive, as GitHub serves them', async () => {
    const repository = path.join(fixture.root, 'repository');
    await mkdir(path.join(repository, 'lib'), { recursive: true });
    await writeFile(path.join(repository, 'lib', 'main.js'), 'console.log(1);\n');
    await writeFile(path.join(repository, 'package.json'), '{"name":"widgets"}\n');
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
        cwd: repository,
      });
    git('init', '--quiet');
    git('add', '.');
    git('commit', '--quiet', '-m', 'initial');
    const tarball = git('archive', '--format=tar.gz', `--prefix=${root}/`, 'HEAD');

    const result = await fixture.extract('tar.gz', tarball);

    expect(result.rootFolder).toBe(root);
    expect(result.files).toBe(2);
    expect([...(await fixture.staged()).keys()].sort()).toEqual([
      `${root}/lib/main.js`,
      `${root}/package.json`,
    ]);
    expect(await fixture.read(`${root}/lib/main.js`)).toBe('console.log(1);\n');
  });

  it('streams large files and gathers many small ones, byte for byte, with little concurrency', async () => {
    const large = Buffer.alloc(3 * 1024 * 1024 + 17);
    for (let index = 0; index < large.length; index += 1) large[index] = (index * 31) % 251;
    const small = Array.from({ length: 300 }, (_, index) => ({
      path: `${root}/many/file-${index}.txt`,
      body: `content of file ${index}\n`.repeat(index % 50),
    }));
    const archive = buildTarGz([{ path: `${root}/big.bin`, body: large }, ...small]);

    const result = await extractArchive({
      format: 'tar.gz',
      // Tiny chunks split headers and bodies across writes, as a slow download would.
      source: chunked(archive, 1000),
      store: fixture.store,
      stagingPrefix: fixture.stagingPrefix,
      ignore: null,
      limits: { maxExtractedBytes: 100 * 1024 * 1024, maxFiles: 1000 },
      scratchFolder: fixture.scratchFolder,
      concurrency: 2,
    });

    expect(result.files).toBe(301);
    const stored = await readFile(path.join(fixture.storeRoot, fixture.stagingPrefix, root, 'big.bin'));
    expect(stored.equals(large)).toBe(true);
    expect(await fixture.read(`${root}/many/file-7.txt`)).toBe('content of file 7\n'.repeat(7));
    expect(await fixture.strayFiles()).toEqual([]);
  });

  it('applies ignore rules relative to the root folder', async () => {
    const ignore = parseIgnoreRules('*.png\ndocs/*\n!docs/keep.md\n/README.md\n', '.quarryignore');

    const result = await fixture.extract('tar.gz', buildTarGz(githubStyleEntries()), { ignore });

    expect(result.skipped.ignored).toBe(3);
    expect([...(await fixture.staged()).keys()].sort()).toEqual([
      `${root}/docs/keep.md`,
      `${root}/src/index.ts`,
    ]);
  });

  it('treats an archive without a single top folder as flat and matches rules against full paths', async () => {
    const ignore = parseIgnoreRules('/src/\n', 'rules');
    const archive = buildTarGz([
      { path: 'README.md', body: 'readme' },
      { path: 'src/index.ts', body: 'code' },
      { path: 'lib/src/kept.ts', body: 'kept' },
    ]);

    const result = await fixture.extract('tar.gz', archive, { ignore });

    expect(result.rootFolder).toBeNull();
    expect(result.skipped.ignored).toBe(1);
    expect([...(await fixture.staged()).keys()].sort()).toEqual(['README.md', 'lib/src/kept.ts']);
  });

  it('reports no root folder when a later entry lies outside the first one', async () => {
    const archive = buildTarGz([
      { path: './one/', type: 'directory' },
      { path: './one/a.txt', body: 'a' },
      { path: 'two/b.txt', body: 'b' },
    ]);

    const result = await fixture.extract('tar.gz', archive);

    expect(result.rootFolder).toBeNull();
    expect([...(await fixture.staged()).keys()].sort()).toEqual(['one/a.txt', 'two/b.txt']);
  });

  it('lets a later entry with the same path win, as tar -x does', async () => {
    const archive = buildTarGz([
      { path: `${root}/same.txt`, body: 'first' },
      { path: `${root}/same.txt`, body: 'second' },
    ]);

    await fixture.extract('tar.gz', archive);

    expect(await fixture.read(`${root}/same.txt`)).toBe('second');
  });

  it('reports progress, ending with the final counts and the whole download', async () => {
    const archive = buildTarGz(githubStyleEntries());
    const reports: ExtractProgress[] = [];

    const result = await fixture.extract('tar.gz', archive, {
      onProgress: (progress) => reports.push(progress),
    });

    expect(reports.at(-1)).toEqual({
      files: result.files,
      bytes: result.bytes,
      downloadedBytes: archive.byteLength,
    });
  });
});

describe('extractArchive with tar', () => {
  it('reads an uncompressed tar the same way', async () => {
    const result = await fixture.extract('tar', buildTar(githubStyleEntries()));

    expect(result.files).toBe(5);
    expect(result.rootFolder).toBe(root);
    expect(await fixture.read(`${root}/docs/keep.md`)).toBe('keep');
  });
});

describe('extractArchive with zip', () => {
  function zipEntries(): ArchiveEntrySpec[] {
    return githubStyleEntries().filter((entry) => entry.type !== 'pax-global');
  }

  it('stores files under raw paths, reports the root folder and removes its temporary file', async () => {
    const large = Buffer.alloc(2 * 1024 * 1024 + 3, 'z');
    const archive = buildZip([...zipEntries(), { path: `${root}/big.txt`, body: large }]);

    const result = await fixture.extract('zip', archive);

    expect(result).toEqual({
      files: 6,
      bytes: 10 + 25 + 5 + 4 + 4 + large.length,
      rootFolder: root,
      skipped: { ignored: 0, links: 0, special: 0, directories: 2 },
    });
    expect(await fixture.read(`${root}/src/index.ts`)).toBe('export const widget = 1;\n');
    expect((await fixture.staged()).get(`${root}/big.txt`)).toBe(large.length);
    expect(await fixture.strayFiles()).toEqual([]);
  });

  it('reads stored (uncompressed) entries too', async () => {
    await fixture.extract('zip', buildZip([{ path: 'plain.txt', body: 'plain', method: 'store' }]));

    expect(await fixture.read('plain.txt')).toBe('plain');
  });

  it('applies ignore rules relative to the root folder', async () => {
    const ignore = parseIgnoreRules('*.png\ndocs/*\n!docs/keep.md\n', 'rules');

    const result = await fixture.extract('zip', buildZip(zipEntries()), { ignore });

    expect(result.skipped.ignored).toBe(2);
    expect([...(await fixture.staged()).keys()].sort()).toEqual([
      `${root}/README.md`,
      `${root}/docs/keep.md`,
      `${root}/src/index.ts`,
    ]);
  });
});

describe('extractArchive failures', () => {
  it('waits for writes in flight before rejecting', async () => {
    const events: string[] = [];
    let releaseWrites: () => void = () => {};
    const writesReleased = new Promise<void>((resolve) => {
      releaseWrites = resolve;
    });
    const slowStore: ObjectStore = Object.create(fixture.store, {
      put: {
        value: async (...args: Parameters<ObjectStore['put']>) => {
          await writesReleased;
          const result = await fixture.store.put(...args);
          events.push(`stored ${args[0].split('/').at(-1)}`);
          return result;
        },
      },
    });
    const archive = buildTarGz([
      { path: `${root}/a.txt`, body: 'a' },
      { path: `${root}/b.txt`, body: 'b' },
      { path: '../../evil', body: 'evil' },
    ]);

    const extraction = fixture.extract('tar.gz', archive, { store: slowStore }).catch((error: Error) => {
      events.push(`rejected ${error.name}`);
    });
    setImmediate(releaseWrites);
    await extraction;

    // Writes run in parallel, so the two stores may finish in either order; the rejection must come last.
    expect(events.at(-1)).toBe('rejected UnsafeInputError');
    expect(events.slice(0, -1).sort()).toEqual(['stored a.txt', 'stored b.txt']);
    expect(await fixture.strayFiles()).toEqual([]);
  });

  it('checks its options', async () => {
    await expect(
      fixture.extract('tar.gz', buildTarGz([]), { stagingPrefix: 'staging/no-slash' }),
    ).rejects.toThrow(/must end with "\/"/);
    await expect(fixture.extract('tar.gz', buildTarGz([]), { concurrency: 0 })).rejects.toThrow(
      /concurrency/,
    );
    await expect(fixture.extract('rar' as 'zip', buildTarGz([]))).rejects.toThrow(/"rar" is not supported/);
  });
});
