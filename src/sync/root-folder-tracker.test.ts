import { describe, expect, it } from 'vitest';
import { RootFolderTracker } from './root-folder-tracker.ts';

function track(entries: Array<[string, boolean]>): RootFolderTracker {
  const tracker = new RootFolderTracker();
  for (const [path, isDirectory] of entries) tracker.observe(path, isDirectory);
  return tracker;
}

describe('RootFolderTracker', () => {
  it('finds the single top folder and gives paths relative to it', () => {
    const tracker = track([
      ['repo-sha', true],
      ['repo-sha/src/a.ts', false],
    ]);
    expect(tracker.rootFolder).toBe('repo-sha');
    expect(tracker.relativePath('repo-sha/src/a.ts')).toBe('src/a.ts');
    expect(tracker.relativePath('repo-sha')).toBe('');
  });

  it('takes the first entry without a folder entry of its own', () => {
    expect(track([['repo-sha/a.ts', false]]).rootFolder).toBe('repo-sha');
  });

  it('has no root when the first entry is a top-level file', () => {
    const tracker = track([
      ['README.md', false],
      ['README.md.d/x', false],
    ]);
    expect(tracker.rootFolder).toBeNull();
    expect(tracker.relativePath('README.md.d/x')).toBe('README.md.d/x');
  });

  it('drops the root for good once a later entry lies outside it', () => {
    const tracker = track([
      ['one/a', false],
      ['two/b', false],
      ['one/c', false],
    ]);
    expect(tracker.rootFolder).toBeNull();
    expect(tracker.relativePath('one/c')).toBe('one/c');
  });

  it('drops the root for a top-level file with the root folder name', () => {
    expect(
      track([
        ['one', true],
        ['one', false],
      ]).rootFolder,
    ).toBeNull();
  });

  it('ignores the archive top itself and reports null before any entry', () => {
    expect(new RootFolderTracker().rootFolder).toBeNull();
    expect(
      track([
        ['', true],
        ['repo/a', false],
      ]).rootFolder,
    ).toBe('repo');
  });
});
