import type { TrackMode } from './catalog.ts';

/** What to check on the release source. */
export interface LatestReleaseQuery {
  owner: string;
  name: string;
  track: TrackMode;
  /** The ETag stored from the previous check; a match means "unchanged" and costs nothing. */
  etag: string | null;
  /** Glob of a release asset to download instead of the source tarball. */
  asset: string | null;
}

/** A downloadable archive. */
export interface ReleaseArchive {
  /** What `download` fetches: GitHub's source tarball, or a named release asset. */
  kind: 'tarball' | 'asset';
  /** Archive format, decided from the asset name; source archives are always `tar.gz`. */
  format: 'tar.gz' | 'tar' | 'zip';
  /** The asset's id (asset downloads) or `null`. */
  assetId: number | null;
  /** File name shown to users. */
  name: string;
  /** Size in bytes when the source announces it. */
  size: number | null;
}

/** Result of checking for the latest release. */
export type LatestRelease =
  | { state: 'not-modified' }
  | { state: 'none'; etag: string | null }
  | { state: 'found'; tag: string; etag: string | null; archive: ReleaseArchive };

/** A download in progress: the bytes, and their announced size when known. */
export interface ArchiveDownload {
  body: AsyncIterable<Uint8Array>;
  size: number | null;
}

/**
 * Where releases come from (GitHub or GitHub Enterprise Server).
 *
 * Contract: `latest` answers `not-modified` when the ETag still matches, `none` when the repository
 * has no (non-draft, non-prerelease) release or no semver tag, and throws `NotFoundError` for a
 * repository that does not exist or is not visible. Rate limits are waited out up to the adapter's
 * bound, then reported as `RetryableError`; server errors and network failures are retried with
 * backoff. `download` throws `NotFoundError` when the tag or asset vanished. No error carries a token.
 */
export interface ReleaseSource {
  latest(query: LatestReleaseQuery, signal?: AbortSignal): Promise<LatestRelease>;
  download(
    query: Pick<LatestReleaseQuery, 'owner' | 'name'>,
    tag: string,
    archive: ReleaseArchive,
    signal?: AbortSignal,
  ): Promise<ArchiveDownload>;
}
