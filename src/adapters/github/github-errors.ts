import { NotFoundError, QuarryError, UpstreamError } from '../../core/errors/index.ts';

/**
 * The fields of `@octokit/request-error`'s `RequestError` this adapter reads. It is matched by shape
 * because that package is only a transitive dependency.
 */
export interface GitHubRequestError extends Error {
  status: number;
  /** Absent when no answer arrived (network failure). */
  response?: { headers: Record<string, string | number | undefined>; data?: unknown };
}

/** What error messages need to know about the GitHub being talked to. */
export interface GitHubSite {
  /** Host shown to users: `github.com`, or the GitHub Enterprise host. */
  host: string;
  /** Only used to scrub it from text that came from the server. */
  token: string | undefined;
}

/** True for an Octokit `RequestError` (HTTP error status or network failure). */
export function isGitHubRequestError(error: unknown): error is GitHubRequestError {
  return (
    error instanceof Error &&
    error.name === 'HttpError' &&
    typeof (error as { status?: unknown }).status === 'number'
  );
}

/** The HTTP status GitHub answered with, or `null` when the error is not an answer from GitHub. */
export function statusOf(error: unknown): number | null {
  return isGitHubRequestError(error) && error.response ? error.status : null;
}

/** True when the error is the caller cancelling, which must propagate untouched and never be retried. */
export function isAbort(error: unknown, signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true || (error instanceof Error && error.name === 'AbortError');
}

/** The host users know: `api.github.com` is shown as `github.com`. */
export function hostLabel(apiUrl: string): string {
  const host = new URL(apiUrl).host;
  return host === 'api.github.com' ? 'github.com' : host;
}

/** Removes the token from text that came from elsewhere (a server message, a library error). */
export function scrubToken(text: string, site: GitHubSite): string {
  return site.token ? text.replaceAll(site.token, '[REDACTED]') : text;
}

/** GitHub's own short explanation from an error body, scrubbed, without a trailing period. */
export function gitHubMessage(error: GitHubRequestError, site: GitHubSite): string {
  const data = error.response?.data;
  const message =
    typeof data === 'object' && data !== null && typeof (data as { message?: unknown }).message === 'string'
      ? (data as { message: string }).message
      : error.message;
  return scrubToken(message, site).replace(/\.$/, '');
}

/** 401: the configured token is wrong, expired or revoked. */
export function rejectedTokenError(site: GitHubSite, cause: unknown): UpstreamError {
  return new UpstreamError(`GitHub rejected the token (401) for ${site.host}.`, {
    cause,
    hint: 'Check that GITHUB_TOKEN is a valid, unexpired token for this GitHub host, or unset it to use anonymous access.',
  });
}

/**
 * Any other failure from GitHub that retrying will not fix, as an `UpstreamError` naming what was being
 * done. Quarry errors (already explained) pass through unchanged.
 */
export function upstreamErrorFrom(error: unknown, action: string, site: GitHubSite): Error {
  if (!isGitHubRequestError(error)) {
    if (QuarryError.is(error)) return error;
    const reason = error instanceof Error ? scrubToken(error.message, site) : 'unknown error';
    return new UpstreamError(`Could not ${action} on ${site.host}: ${reason}.`, { cause: error });
  }
  if (error.status === 401) return rejectedTokenError(site, error);
  const hint =
    error.status === 403
      ? 'Check that GITHUB_TOKEN may read this repository (fine-grained tokens need "Contents: read").'
      : 'Try again later; if it keeps failing, check the GitHub status page.';
  return new UpstreamError(
    `GitHub answered ${error.status} when asked to ${action} on ${site.host}: ${gitHubMessage(error, site)}.`,
    { cause: error, hint },
  );
}

/** The repository does not exist, or the token (if any) cannot see it. */
export function repositoryNotFound(repository: string, site: GitHubSite, cause: unknown): NotFoundError {
  return new NotFoundError(
    `Repository ${repository} was not found on ${site.host} (or it is private and GITHUB_TOKEN cannot see it).`,
    {
      cause,
      hint: site.token
        ? 'Check the owner/name spelling, and that GITHUB_TOKEN has access to this repository.'
        : 'Check the owner/name spelling; for a private repository set GITHUB_TOKEN.',
    },
  );
}

/** The tag (source tarball) or release asset was deleted between the check and the download. */
export function archiveVanished(
  repository: string,
  tag: string,
  assetName: string | null,
  site: GitHubSite,
  cause: unknown,
): NotFoundError {
  const what = assetName === null ? `Tag ${tag}` : `Asset ${assetName} of release ${tag}`;
  return new NotFoundError(`${what} of ${repository} no longer exists on ${site.host}.`, {
    cause,
    hint: 'Run the sync again; it checks which release is the latest now.',
  });
}
