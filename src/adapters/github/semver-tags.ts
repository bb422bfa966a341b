/** A semantic version (semver.org 2.0.0); numeric parts stay text so huge numbers compare exactly. */
export interface SemanticVersion {
  major: string;
  minor: string;
  patch: string;
  /** Dot-separated prerelease identifiers, empty for a stable release. */
  prerelease: string[];
}

const numericPart = '0|[1-9]\\d*';
const prereleasePart = `(?:${numericPart}|\\d*[A-Za-z-][0-9A-Za-z-]*)`;
const versionPattern = new RegExp(
  `^v?(${numericPart})\\.(${numericPart})\\.(${numericPart})` +
    `(?:-(${prereleasePart}(?:\\.${prereleasePart})*))?` +
    '(?:\\+[0-9A-Za-z-]+(?:\\.[0-9A-Za-z-]+)*)?$',
);

/** Parses `1.2.3`, `v1.2.3-rc.1+build.5`; returns `null` for anything that is not semver. */
export function parseSemanticVersion(tag: string): SemanticVersion | null {
  const match = versionPattern.exec(tag);
  if (!match) return null;
  const [, major = '', minor = '', patch = '', prerelease] = match;
  return { major, minor, patch, prerelease: prerelease === undefined ? [] : prerelease.split('.') };
}

/** Semver precedence: negative when `left` is lower, 0 when equal (build metadata is ignored). */
export function compareSemanticVersions(left: SemanticVersion, right: SemanticVersion): number {
  return (
    compareNumbers(left.major, right.major) ||
    compareNumbers(left.minor, right.minor) ||
    compareNumbers(left.patch, right.patch) ||
    comparePrereleases(left.prerelease, right.prerelease)
  );
}

/** The highest tag that is a stable (non-prerelease) semantic version, or `null` when there is none. */
export function highestStableTag(tags: Iterable<string>): string | null {
  let best: { tag: string; version: SemanticVersion } | null = null;
  for (const tag of tags) {
    const version = parseSemanticVersion(tag);
    if (!version || version.prerelease.length > 0) continue;
    if (!best || compareSemanticVersions(version, best.version) > 0) best = { tag, version };
  }
  return best?.tag ?? null;
}

/** Compares digit strings without leading zeros: the longer one is larger, else the text order decides. */
function compareNumbers(left: string, right: string): number {
  if (left.length !== right.length) return left.length - right.length;
  return left < right ? -1 : left > right ? 1 : 0;
}

function comparePrereleases(left: string[], right: string[]): number {
  // A version without prerelease identifiers ranks above any prerelease of it.
  if (left.length === 0 || right.length === 0) return right.length - left.length;
  const shared = Math.min(left.length, right.length);
  for (let index = 0; index < shared; index += 1) {
    const order = compareIdentifiers(left[index] ?? '', right[index] ?? '');
    if (order !== 0) return order;
  }
  return left.length - right.length;
}

function compareIdentifiers(left: string, right: string): number {
  const leftNumeric = /^\d+$/.test(left);
  const rightNumeric = /^\d+$/.test(right);
  if (leftNumeric && rightNumeric) return compareNumbers(left, right);
  if (leftNumeric !== rightNumeric) return leftNumeric ? -1 : 1;
  return left < right ? -1 : left > right ? 1 : 0;
}
