import type { ReadableStream } from 'node:stream/web';
import { setTimeout as delay } from 'node:timers/promises';
import { Octokit } from '@octokit/rest';
import { ValidationError } from '../../core/errors/index.ts';
import { type Logger, silentLogger } from '../../core/ports/logger.ts';
import type {
  ArchiveDownload,
  LatestRelease,
  LatestReleaseQuery,
  ReleaseArchive,
  ReleaseSource,
} from '../../core/ports/release-source.ts';
import { downloadBody } from './download-body.ts';
import {
  conditionalHeaders,
  type GitHubContext,
  type RepoQuery,
  repoId,
  requestFailure,
  signalOption,
  sourceArchive,
} from './github-context.ts';
import {
  archiveVanished,
  type GitHubSite,
  hostLabel,
  repositoryNotFound,
  statusOf,
} from './github-errors.ts';
import { latestTag } from './latest-tag.ts';
import { pickReleaseAsset } from './release-asset.ts';
import { createRetryingRequest } from './retrying-request.ts';

/** Settings and side effects of the GitHub release source. */
export interface GitHubReleaseSourceOptions {
  /** REST API base URL; GitHub Enterprise Server uses `https://HOST/api/v3`. Default `https://api.github.com`. */
  apiUrl?: string;
  /** Personal access or app token; sent only to the API origin and never shown in errors or logs. */
  token?: string;
  fetch?: typeof fetch;
  /** Longest rate-limit wait worth sitting out before failing with `RetryableError`. Default 300. */
  maxRateLimitWaitSeconds?: number;
  /** Retries after a server error or network failure, with exponential backoff. Default 3. */
  retries?: number;
  /** Waits between attempts (tests inject one that records instead of waiting). */
  sleep?: (milliseconds: number) => Promise<void>;
  /** Current time in milliseconds, for rate-limit reset times. Default `Date.now`. */
  now?: () => number;
  userAgent?: string;
  logger?: Logger;
}

/**
 * The `ReleaseSource` for GitHub and GitHub Enterprise Server, over `@octokit/rest`. Conditional requests
 * (ETags) make unchanged checks free; rate limits, server errors and network failures are handled by
 * `createRetryingRequest` with the injected `sleep`, so nothing here waits on real timers in tests.
 */
export function createGitHubReleaseSource(options: GitHubReleaseSourceOptions = {}): ReleaseSource {
  const apiUrl = parseApiUrl(options.apiUrl ?? 'https://api.github.com');
  const token = options.token || undefined;
  const site: GitHubSite = { host: hostLabel(apiUrl.href), token };
  const context: GitHubContext = {
    octokit: createOctokit(options, apiUrl, site),
    site,
    apiOrigin: apiUrl.origin,
  };
  return {
    latest: (query, signal) =>
      query.track === 'tags' ? latestTag(context, query, signal) : latestRelease(context, query, signal),
    download: (query, tag, archive, signal) => downloadArchive(context, query, tag, archive, signal),
  };
}

function parseApiUrl(text: string): URL {
  if (!URL.canParse(text)) {
    throw new ValidationError(`github.apiUrl "${text}" is not a URL.`, {
      hint: 'Use https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise Server.',
    });
  }
  const url = new URL(text);
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

function createOctokit(options: GitHubReleaseSourceOptions, apiUrl: URL, site: GitHubSite): Octokit {
  const logger = options.logger ?? silentLogger;
  const octokit = new Octokit({
    baseUrl: apiUrl.href.replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'quarry',
    ...(site.token ? { auth: site.token } : {}),
    ...(options.fetch ? { request: { fetch: options.fetch } } : {}),
    // Octokit logs every request at info and every error status (a normal 404 included) at error; only
    // its warnings (deprecations) deserve more than debug. Just the message is passed on: the extra
    // arguments are request options.
    log: {
      debug: (message: string) => logger.debug({ host: site.host }, message),
      info: (message: string) => logger.debug({ host: site.host }, message),
      warn: (message: string) => logger.warn({ host: site.host }, message),
      error: (message: string) => logger.debug({ host: site.host }, message),
    },
  });
  const sleep = options.sleep;
  octokit.hook.wrap(
    'request',
    createRetryingRequest({
      retries: options.retries ?? 3,
      maxRateLimitWaitSeconds: options.maxRateLimitWaitSeconds ?? 300,
      sleep: sleep ? (milliseconds) => sleep(milliseconds) : realSleep,
      now: options.now ?? Date.now,
      logger,
      site,
    }),
  );
  return octokit;
}

function realSleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
  return delay(milliseconds, undefined, signal ? { signal } : {});
}

async function latestRelease(
  context: GitHubContext,
  query: LatestReleaseQuery,
  signal?: AbortSignal,
): Promise<LatestRelease> {
  const response = await context.octokit
    .request('GET /repos/{owner}/{repo}/releases/latest', {
      owner: query.owner,
      repo: query.name,
      headers: conditionalHeaders(query.etag),
      request: signalOption(signal),
    })
    .catch((error: unknown) => noLatestRelease(context, query, error, signal));
  if ('state' in response) return response;
  const tag = response.data.tag_name;
  const archive =
    query.asset === null
      ? sourceArchive(query.name, tag)
      : pickReleaseAsset(response.data.assets, query.asset, { owner: query.owner, name: query.name, tag });
  return { state: 'found', tag, etag: response.headers.etag ?? null, archive };
}

/** Why `releases/latest` failed: unchanged, no release yet, or an error. */
async function noLatestRelease(
  context: GitHubContext,
  query: LatestReleaseQuery,
  error: unknown,
  signal?: AbortSignal,
): Promise<LatestRelease> {
  const status = statusOf(error);
  if (status === 304) return { state: 'not-modified' };
  if (status !== 404) {
    throw requestFailure(error, `check the latest release of ${repoId(query)}`, context, signal);
  }
  // A missing latest release and a missing repository both answer 404; only the second is an error.
  await assertRepositoryVisible(context, query, signal);
  return { state: 'none', etag: null };
}

async function assertRepositoryVisible(
  context: GitHubContext,
  query: RepoQuery,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await context.octokit.request('GET /repos/{owner}/{repo}', {
      owner: query.owner,
      repo: query.name,
      request: signalOption(signal),
    });
  } catch (error) {
    if (statusOf(error) === 404) throw repositoryNotFound(repoId(query), context.site, error);
    throw requestFailure(error, `look up ${repoId(query)}`, context, signal);
  }
}

async function downloadArchive(
  context: GitHubContext,
  query: RepoQuery,
  tag: string,
  archive: ReleaseArchive,
  signal?: AbortSignal,
): Promise<ArchiveDownload> {
  const response = await requestArchive(context, query, tag, archive, signal).catch((error: unknown) => {
    const assetName = archive.kind === 'asset' ? archive.name : null;
    if (statusOf(error) === 404) throw archiveVanished(repoId(query), tag, assetName, context.site, error);
    throw requestFailure(error, `download ${archive.name} of ${repoId(query)}`, context, signal);
  });
  const announced = Number(response.headers['content-length']);
  const size =
    response.headers['content-length'] !== undefined && Number.isSafeInteger(announced) ? announced : null;
  const stream = response.data as ReadableStream<Uint8Array> | null;
  const description = `${archive.name} (${repoId(query)} ${tag})`;
  return { body: downloadBody(stream, description, context.site, signal), size: size ?? archive.size };
}

function requestArchive(
  context: GitHubContext,
  query: RepoQuery,
  tag: string,
  archive: ReleaseArchive,
  signal?: AbortSignal,
) {
  // Without parsing, `data` is the response stream: nothing is buffered, whatever the archive's size.
  const request = { parseSuccessResponseBody: false, ...signalOption(signal) };
  const repo = { owner: query.owner, repo: query.name };
  if (archive.kind === 'tarball') {
    return context.octokit.request('GET /repos/{owner}/{repo}/tarball/{ref}', { ...repo, ref: tag, request });
  }
  if (archive.assetId === null) {
    throw new ValidationError(
      `Asset ${archive.name} of ${repoId(query)} ${tag} has no asset id to download.`,
    );
  }
  return context.octokit.request('GET /repos/{owner}/{repo}/releases/assets/{asset_id}', {
    ...repo,
    asset_id: archive.assetId,
    headers: { accept: 'application/octet-stream' },
    request,
  });
}
