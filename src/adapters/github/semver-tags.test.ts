import { describe, expect, it } from 'vitest';
import { compareSemanticVersions, highestStableTag, parseSemanticVersion } from './semver-tags.ts';

function compare(left: string, right: string): number {
  const a = parseSemanticVersion(left);
  const b = parseSemanticVersion(right);
  if (!a || !b) throw new Error(`not semver: ${left} or ${right}`);
  return Math.sign(compareSemanticVersions(a, b));
}

describe('parseSemanticVersion', () => {
  it('parses versions with an optional leading v, prerelease and build metadata', () => {
    expect(parseSemanticVersion('v1.2.3')).toEqual({ major: '1', minor: '2', patch: '3', prerelease: [] });
    expect(parseSemanticVersion('10.20.30-rc.1+build.7')).toEqual({
      major: '10',
      minor: '20',
      patch: '30',
      prerelease: ['rc', '1'],
    });
  });

  it.each(['1.2', 'v1', '1.2.3.4', '01.2.3', '1.2.3-01', 'release-1.2.3', 'V1.2.3', '1.2.3-', 'latest', ''])(
    'rejects %j',
    (tag) => {
      expect(parseSemanticVersion(tag)).toBeNull();
    },
  );
});

describe('compareSemanticVersions', () => {
  it('orders numerically, not as text', () => {
    expect(compare('1.10.0', '1.9.0')).toBe(1);
    expect(compare('2.0.0', '10.0.0')).toBe(-1);
    expect(compare('1.0.12345678901234567890', '1.0.12345678901234567891')).toBe(-1);
  });

  it('follows the semver prerelease precedence example', () => {
    const ordered = [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
    ];
    for (let index = 1; index < ordered.length; index += 1) {
      expect(compare(ordered[index - 1] ?? '', ordered[index] ?? '')).toBe(-1);
      expect(compare(ordered[index] ?? '', ordered[index - 1] ?? '')).toBe(1);
    }
  });

  it('ignores build metadata and the leading v', () => {
    expect(compare('v1.0.0+a', '1.0.0+b')).toBe(0);
  });
});

describe('highestStableTag', () => {
  it('picks the highest stable semver tag, skipping prereleases and other names', () => {
    expect(highestStableTag(['nightly', 'v1.9.0', 'v2.0.0-rc.1', 'v1.10.0', '1.2.3', 'v1.10.0-beta'])).toBe(
      'v1.10.0',
    );
  });

  it('returns null when no tag is a stable version', () => {
    expect(highestStableTag(['latest', 'v2.0.0-rc.1'])).toBeNull();
    expect(highestStableTag([])).toBeNull();
  });
});
