import { NotFoundError, ValidationError } from '../../core/errors/index.ts';
import type { ReleaseArchive } from '../../core/ports/release-source.ts';

/** The fields of a GitHub release asset this adapter uses. */
export interface GitHubAsset {
  id: number;
  name: string;
  size: number;
}

/** Where an asset comes from, for error messages. */
export interface ReleaseLocation {
  owner: string;
  name: string;
  tag: string;
}

const supportedFormats = '.zip, .tar.gz, .tgz and .tar';

/** Turns a file-name glob (`*` any run of characters, `?` one character) into an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const character of glob) {
    if (character === '*') source += '.*';
    else if (character === '?') source += '.';
    else source += character.replace(/[\\^$.|+()[\]{}]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 'u');
}

/** The archive format a file name announces, or `null` when it is not an archive Quarry can extract. */
export function archiveFormatOf(fileName: string): ReleaseArchive['format'] | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tar.gz';
  if (lower.endsWith('.tar')) return 'tar';
  return null;
}

/**
 * The first asset whose name matches `glob`, as a downloadable archive. Throws `NotFoundError` (listing
 * the release's assets) when none matches, `ValidationError` when the match is not a supported archive.
 */
export function pickReleaseAsset(
  assets: readonly GitHubAsset[],
  glob: string,
  where: ReleaseLocation,
): ReleaseArchive {
  const pattern = globToRegExp(glob);
  const asset = assets.find((candidate) => pattern.test(candidate.name));
  const release = `release ${where.tag} of ${where.owner}/${where.name}`;
  if (!asset) {
    const names = assets.map((candidate) => candidate.name).join(', ');
    throw new NotFoundError(
      `No asset of ${release} matches "${glob}"; ${names ? `its assets are: ${names}` : 'it has no assets'}.`,
      { hint: 'Change the asset glob of this repository, or remove it to download the source tarball.' },
    );
  }
  const format = archiveFormatOf(asset.name);
  if (!format) {
    throw new ValidationError(
      `Asset ${asset.name} of ${release} is not a supported archive; supported formats are ${supportedFormats}.`,
      { hint: 'Change the asset glob so that it matches an archive, e.g. "*.tar.gz".' },
    );
  }
  return { kind: 'asset', format, assetId: asset.id, name: asset.name, size: asset.size };
}
