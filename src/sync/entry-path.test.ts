import { describe, expect, it } from 'vitest';
import { UnsafeInputError } from '../core/errors/index.ts';
import { linkTargetEscapes, normaliseEntryPath } from './entry-path.ts';

describe('normaliseEntryPath', () => {
  it.each([
    ['root/src/index.ts', 'root/src/index.ts'],
    ['./root/src/', 'root/src'],
    ['root//src/./a.ts', 'root/src/a.ts'],
    ['./', ''],
    ['.', ''],
    ['root/..data/x..y', 'root/..data/x..y'],
  ])('cleans %j to %j', (raw, clean) => {
    expect(normaliseEntryPath(raw)).toBe(clean);
  });

  it.each([
    ['../x', /escapes the release folder/],
    ['a/b/../../../x', /escapes the release folder/],
    ['a/../b', /escapes the release folder/],
    ['/etc/passwd', /escapes the release folder/],
    ['//server/share', /escapes the release folder/],
    ['c:/windows', /escapes the release folder/],
    ['a\\..\\b', /backslash or NUL byte/],
    ['a\0b', /backslash or NUL byte/],
  ])('refuses %j', (raw, message) => {
    expect(() => normaliseEntryPath(raw)).toThrow(UnsafeInputError);
    expect(() => normaliseEntryPath(raw)).toThrow(message);
  });
});

describe('linkTargetEscapes', () => {
  it.each([
    ['root/a/link', 'b.txt', 'symbolic-link', 'root', false],
    ['root/a/link', '../b.txt', 'symbolic-link', 'root', false],
    ['root/a/link', '../../b.txt', 'symbolic-link', 'root', true],
    ['root/a/link', 'x/../../../b', 'symbolic-link', 'root', true],
    ['root/link', '/etc/passwd', 'symbolic-link', 'root', true],
    ['link', 'a/b', 'symbolic-link', null, false],
    ['link', '../a', 'symbolic-link', null, true],
    ['root/hard', 'root/a.txt', 'hard-link', 'root', false],
    ['root/hard', 'other/a.txt', 'hard-link', 'root', true],
    ['root/hard', '../a.txt', 'hard-link', 'root', true],
    ['hard', 'a.txt', 'hard-link', null, false],
  ] as const)('%s -> %s (%s, root %s) escapes: %s', (entryPath, target, kind, rootFolder, escapes) => {
    expect(linkTargetEscapes(entryPath, target, kind, rootFolder)).toBe(escapes);
  });
});
