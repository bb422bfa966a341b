import { describe, expect, it } from 'vitest';
import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import { archiveFormatOf, globToRegExp, pickReleaseAsset } from './release-asset.ts';

const where = { owner: 'acme', name: 'tool', tag: 'v1.0.0' };

describe('globToRegExp', () => {
  it('matches * as any run and ? as one character, everything else literally', () => {
    expect(globToRegExp('dist-*.tar.gz').test('dist-linux-x64.tar.gz')).toBe(true);
    expect(globToRegExp('dist-*.tar.gz').test('dist-linux.tar.gzip')).toBe(false);
    expect(globToRegExp('v?.zip').test('v1.zip')).toBe(true);
    expect(globToRegExp('v?.zip').test('v12.zip')).toBe(false);
    expect(globToRegExp('a.zip').test('abzip')).toBe(false);
    expect(globToRegExp('(x)+[y].zip').test('(x)+[y].zip')).toBe(true);
  });
});

describe('archiveFormatOf', () => {
  it.each([
    ['a.zip', 'zip'],
    ['a.tar.gz', 'tar.gz'],
    ['A.TGZ', 'tar.gz'],
    ['a.tar', 'tar'],
    ['a.exe', null],
    ['a.gz', null],
  ])('%s → %s', (name, format) => {
    expect(archiveFormatOf(name)).toBe(format);
  });
});

describe('pickReleaseAsset', () => {
  const assets = [
    { id: 1, name: 'checksums.txt', size: 10 },
    { id: 2, name: 'tool-linux.tgz', size: 20 },
    { id: 3, name: 'tool-mac.zip', size: 30 },
  ];

  it('returns the first matching asset as an archive with its format', () => {
    expect(pickReleaseAsset(assets, 'tool-*', where)).toEqual({
      kind: 'asset',
      format: 'tar.gz',
      assetId: 2,
      name: 'tool-linux.tgz',
      size: 20,
    });
  });

  it('throws NotFoundError listing the release assets when none matches', () => {
    expect(() => pickReleaseAsset(assets, '*.msi', where)).toThrow(NotFoundError);
    expect(() => pickReleaseAsset(assets, '*.msi', where)).toThrow(
      'No asset of release v1.0.0 of acme/tool matches "*.msi"; its assets are: checksums.txt, tool-linux.tgz, tool-mac.zip.',
    );
    expect(() => pickReleaseAsset([], '*.zip', where)).toThrow('it has no assets');
  });

  it('throws ValidationError naming the asset and the supported formats for a non-archive', () => {
    expect(() => pickReleaseAsset(assets, '*.txt', where)).toThrow(ValidationError);
    expect(() => pickReleaseAsset(assets, '*.txt', where)).toThrow(
      'Asset checksums.txt of release v1.0.0 of acme/tool is not a supported archive; supported formats are .zip, .tar.gz, .tgz and .tar.',
    );
  });
});
