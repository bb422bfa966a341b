import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ArchiveEntrySpec,
  buildTarGz,
  buildZip,
  type ZipEntrySpec,
} from '../../test/support/archives.ts';
import { createExtractionFixture, type ExtractionFixture } from '../../test/support/extraction-fixture.ts';
import { UnsafeInputError } from '../core/errors/index.ts';

const root = 'acme-widgets-1a2b3c4';
const escapes = (name: string) =>
  `The archive entry ${JSON.stringify(name)} escapes the release folder; the release was rejected.`;
const longEscape = `${root}/${'deep/'.repeat(30)}${'../'.repeat(32)}x`;
const badCharacters = (name: string) =>
  `The archive entry ${JSON.stringify(name)} has a backslash or NUL byte in its name; the release was rejected.`;

let fixture: ExtractionFixture;
beforeEach(async () => {
  fixture = await createExtractionFixture();
});
afterEach(async () => {
  await fixture.remove();
});

/** Proves the release was refused and nothing landed outside the staging prefix. */
async function expectRejectedSafely(extraction: Promise<unknown>, message: string): Promise<void> {
  const error = await extraction.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(UnsafeInputError);
  expect((error as UnsafeInputError).message).toBe(message);
  expect((error as UnsafeInputError).hint).toMatch(/tampered/);
  const outside = (await fixture.filesOnDisk()).filter(
    (file) => !file.startsWith(`store/${fixture.stagingPrefix}`),
  );
  expect(outside).toEqual([]);
  await fixture.store.deletePrefix(fixture.stagingPrefix);
  expect(await fixture.filesOnDisk()).toEqual([]);
}

describe('unsafe tar entries reject the whole release', () => {
  const cases: Array<[string, ArchiveEntrySpec, string]> = [
    ['a parent-folder path', { path: '../../etc/passwd', body: 'x' }, escapes('../../etc/passwd')],
    ['an absolute path', { path: '/etc/passwd', body: 'x' }, escapes('/etc/passwd')],
    [
      'a path climbing out of the root',
      { path: `${root}/../../outside.txt`, body: 'x' },
      escapes(`${root}/../../outside.txt`),
    ],
    ['a Windows drive path', { path: 'C:/Windows/evil.dll', body: 'x' }, escapes('C:/Windows/evil.dll')],
    [
      'a backslash',
      { path: `${root}/..\\..\\evil.txt`, body: 'x' },
      badCharacters(`${root}/..\\..\\evil.txt`),
    ],
    // Too long for a ustar header, so the name travels in a pax header; long names are shortened in messages.
    ['a long pax path with ..', { path: longEscape, body: 'x' }, escapes(`${longEscape.slice(0, 197)}...`)],
    ['a folder entry', { path: '../outside/', type: 'directory' }, escapes('../outside/')],
    ['a link entry', { path: '../link', type: 'symlink', linkpath: 'target' }, escapes('../link')],
  ];

  it.each(cases)('%s', async (_name, unsafe, message) => {
    const archive = buildTarGz([
      { path: `${root}/`, type: 'directory' },
      { path: `${root}/first.txt`, body: 'first' },
      unsafe,
      { path: `${root}/last.txt`, body: 'last' },
    ]);

    await expectRejectedSafely(fixture.extract('tar.gz', archive), message);
  });
});

describe('unsafe zip entries reject the whole release', () => {
  const cases: Array<[string, ZipEntrySpec, string]> = [
    // yauzl refuses these names itself; its errors must come out as ours.
    ['a parent-folder path', { path: '../../etc/passwd', body: 'x' }, escapes('../../etc/passwd')],
    ['an absolute path', { path: '/etc/passwd', body: 'x' }, escapes('/etc/passwd')],
    ['a Windows drive path', { path: 'C:/evil.dll', body: 'x' }, escapes('C:/evil.dll')],
    [
      'a backslash',
      { path: 'x', rawName: Buffer.from('dir\\..\\..\\evil.txt'), body: 'x' },
      badCharacters('dir\\..\\..\\evil.txt'),
    ],
    // yauzl lets NUL through; our own check catches it.
    [
      'a NUL byte',
      { path: 'x', rawName: Buffer.from(`${root}/a\0/../../b`), body: 'x' },
      badCharacters(`${root}/a\0/../../b`),
    ],
  ];

  it.each(cases)('%s', async (_name, unsafe, message) => {
    const archive = buildZip([
      { path: `${root}/first.txt`, body: 'first' },
      unsafe,
      { path: `${root}/last.txt`, body: 'last' },
    ]);

    await expectRejectedSafely(fixture.extract('zip', archive), message);
    expect(await fixture.filesOnDisk()).toEqual([]);
  });
});

describe('links and special files', () => {
  it('skips and counts tar links, devices, FIFOs and unknown types, noting links that leave the release', async () => {
    const warnings: string[] = [];
    const archive = buildTarGz([
      { path: `${root}/`, type: 'directory' },
      { path: `${root}/file.txt`, body: 'file' },
      { path: `${root}/link-inside`, type: 'symlink', linkpath: 'file.txt' },
      { path: `${root}/link-absolute`, type: 'symlink', linkpath: '/etc/passwd' },
      { path: `${root}/sub/link-up`, type: 'symlink', linkpath: '../../etc/passwd' },
      { path: `${root}/hard-inside`, type: 'hardlink', linkpath: `${root}/file.txt` },
      { path: `${root}/hard-outside`, type: 'hardlink', linkpath: '../outside' },
      { path: `${root}/tty`, type: 'character-device' },
      { path: `${root}/disk`, type: 'block-device' },
      { path: `${root}/pipe`, type: 'fifo' },
      { path: `${root}/sparse`, type: 'sparse' },
    ]);

    const result = await fixture.extract('tar.gz', archive, {
      onWarning: (message) => warnings.push(message),
    });

    expect(result).toEqual({
      files: 1,
      bytes: 4,
      rootFolder: root,
      skipped: { ignored: 0, links: 5, special: 4, directories: 1 },
    });
    expect([...(await fixture.staged()).keys()]).toEqual([`${root}/file.txt`]);
    expect(warnings).toEqual([
      `Skipped the link "${root}/link-absolute": it points to "/etc/passwd", outside the release.`,
      `Skipped the link "${root}/sub/link-up": it points to "../../etc/passwd", outside the release.`,
      `Skipped the link "${root}/hard-outside": it points to "../outside", outside the release.`,
    ]);
  });

  it('skips and counts zip symbolic links and special files, noting links that leave the release', async () => {
    const warnings: string[] = [];
    const archive = buildZip([
      { path: `${root}/`, type: 'directory' },
      { path: `${root}/file.txt`, body: 'file' },
      { path: `${root}/link-inside`, type: 'symlink', linkpath: 'file.txt' },
      { path: `${root}/link-out`, type: 'symlink', linkpath: '../../../home/user/.ssh/id_rsa' },
      { path: `${root}/pipe`, type: 'fifo' },
      { path: `${root}/tty`, type: 'character-device' },
    ]);

    const result = await fixture.extract('zip', archive, { onWarning: (message) => warnings.push(message) });

    expect(result.files).toBe(1);
    expect(result.skipped).toEqual({ ignored: 0, links: 2, special: 2, directories: 1 });
    expect([...(await fixture.staged()).keys()]).toEqual([`${root}/file.txt`]);
    expect(warnings).toEqual([
      `Skipped the link "${root}/link-out": it points to "../../../home/user/.ssh/id_rsa", outside the release.`,
    ]);
  });
});
