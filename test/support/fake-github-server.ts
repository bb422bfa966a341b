import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendArchive, sendAssetBody } from './fake-github-downloads.ts';
import {
  assetJson,
  errorMessage,
  etagMatches,
  linkHeader,
  releaseJson,
  repoJson,
  sha1,
  tagJson,
} from './fake-github-wire.ts';

/** A release asset served by the fake. */
export interface FakeAsset {
  /** Asset id; assigned when omitted. */
  id?: number;
  name: string;
  /** Announced size; defaults to the Buffer's length (0 for streamed bodies). */
  size?: number;
  /** The bytes, or a factory for a stream (sent chunked, without content-length). */
  body: Buffer | (() => AsyncIterable<Uint8Array> | NodeJS.ReadableStream);
}

/** A release of a fake repository; releases are listed in creation order, oldest first. */
export interface FakeRelease {
  tag: string;
  draft?: boolean;
  prerelease?: boolean;
  assets?: FakeAsset[];
}

/** The source archive (tarball) of one tag. */
export interface FakeArchive {
  /** The bytes, or the path of a file streamed from disk (large archives never sit in memory). */
  body: Buffer | string;
  /** Send at most this many bytes per second (slow downloads for interruption tests). */
  throttleBytesPerSecond?: number;
  /** Destroy the connection after this many bytes although content-length announced more. */
  dropAfterBytes?: number;
}

/** What a fake repository holds. */
export interface FakeRepoSetup {
  releases?: FakeRelease[];
  /** Tag names in the order GitHub lists them; defaults to the release tags, newest first. */
  tags?: string[];
  /** Source archives by tag; `GET /tarball/{tag}` answers 404 for a tag without one. */
  archives?: Record<string, FakeArchive>;
}

/** One request the fake received. */
export interface RecordedRequest {
  method: string;
  /** Path and query as received, e.g. `/api/v3/repos/o/r/tags?per_page=100`. */
  path: string;
  headers: IncomingHttpHeaders;
  /** Whether an `authorization` header was sent. */
  authorized: boolean;
  /** `api` for the API origin, `download` for the separate codeload-like origin. */
  origin: 'api' | 'download';
}

/** Options of the fake. */
export interface FakeGitHubOptions {
  /** API path prefix, GitHub Enterprise style; default `/api/v3`. */
  prefix?: string;
  /** When set, a request whose `authorization` carries any other token gets 401 "Bad credentials". */
  validTokens?: string[];
}

/** A running fake of GitHub's REST API (see `startFakeGitHub`). */
export interface FakeGitHub {
  /** API base URL, e.g. `http://127.0.0.1:PORT/api/v3`. */
  readonly url: string;
  /** Origin of the download server that redirects point to (like codeload.github.com). */
  readonly downloadUrl: string;
  readonly requests: RecordedRequest[];
  setRepo(owner: string, name: string, setup?: FakeRepoSetup): void;
  removeRepo(owner: string, name: string): void;
  /** Makes the tag's source archive vanish (its download answers 404). */
  removeArchive(owner: string, name: string, tag: string): void;
  /** The next `count` requests (any origin) answer `status` with GitHub's error body and extra headers. */
  failNext(count: number, status: number, headers?: Record<string, string>): void;
  /** The next `count` requests (any origin) get their connection destroyed without an answer. */
  networkFailNext(count: number): void;
  close(): Promise<void>;
}

interface StoredAsset {
  id: number;
  tag: string;
  name: string;
  size: number;
  body: FakeAsset['body'];
}

interface StoredRepo {
  owner: string;
  name: string;
  releases: Array<{ id: number; tag: string; draft: boolean; prerelease: boolean; assets: StoredAsset[] }>;
  tags: string[];
  archives: Map<string, FakeArchive>;
}

interface Failure {
  status: number;
  headers: Record<string, string>;
}

const rateLimit = 5000;
const rateLimitReset = Math.floor(Date.now() / 1000) + 3600;

/**
 * Starts a fake GitHub on 127.0.0.1: the REST endpoints Quarry uses, with GitHub's wire format (ETags and
 * 304s, `Link` pagination, rate-limit headers, 302 redirects to a separate download origin).
 */
export async function startFakeGitHub(options: FakeGitHubOptions = {}): Promise<FakeGitHub> {
  const prefix = options.prefix ?? '/api/v3';
  const state = new FakeState(prefix, options.validTokens);
  const api = createServer((request, response) => state.handle('api', request, response));
  const download = createServer((request, response) => state.handle('download', request, response));
  const apiOrigin = await listen(api);
  state.apiOrigin = apiOrigin;
  state.downloadOrigin = await listen(download);
  return {
    url: `${apiOrigin}${prefix}`,
    downloadUrl: state.downloadOrigin,
    requests: state.requests,
    setRepo: (owner, name, setup = {}) => state.setRepo(owner, name, setup),
    removeRepo: (owner, name) => state.repos.delete(repoKey(owner, name)),
    removeArchive: (owner, name, tag) => state.repos.get(repoKey(owner, name))?.archives.delete(tag),
    failNext: (count, status, headers = {}) => {
      for (let index = 0; index < count; index += 1) state.failures.push({ status, headers });
    },
    networkFailNext: (count) => {
      state.networkFailures += count;
    },
    close: async () => {
      await Promise.all([stop(api), stop(download)]);
    },
  };
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function stop(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

function repoKey(owner: string, name: string): string {
  // GitHub matches owner and repository names case-insensitively.
  return `${owner}/${name}`.toLowerCase();
}

/** Everything the fake knows, and its request handling. */
class FakeState {
  readonly repos = new Map<string, StoredRepo>();
  readonly requests: RecordedRequest[] = [];
  readonly failures: Failure[] = [];
  networkFailures = 0;
  apiOrigin = '';
  downloadOrigin = '';
  private readonly ids = new Map<string, number>();
  private nextId = 1000;
  private used = 0;

  constructor(
    private readonly prefix: string,
    private readonly validTokens: string[] | undefined,
  ) {}

  setRepo(owner: string, name: string, setup: FakeRepoSetup): void {
    const key = repoKey(owner, name);
    const releases = (setup.releases ?? []).map((release) => ({
      id: this.idFor(`${key}@${release.tag}`),
      tag: release.tag,
      draft: release.draft ?? false,
      prerelease: release.prerelease ?? false,
      assets: (release.assets ?? []).map((asset) => ({
        id: asset.id ?? this.idFor(`${key}@${release.tag}/${asset.name}`),
        tag: release.tag,
        name: asset.name,
        size: asset.size ?? (Buffer.isBuffer(asset.body) ? asset.body.length : 0),
        body: asset.body,
      })),
    }));
    const tags = setup.tags ?? [...new Set(releases.map((release) => release.tag))].reverse();
    const archives = new Map(Object.entries(setup.archives ?? {}));
    this.repos.set(key, { owner, name, releases, tags, archives });
  }

  /** Ids stay the same when a test re-publishes a repository, as they do on GitHub (so do the ETags). */
  private idFor(key: string): number {
    const id = this.ids.get(key) ?? this.nextId++;
    this.ids.set(key, id);
    return id;
  }

  handle(origin: RecordedRequest['origin'], request: IncomingMessage, response: ServerResponse): void {
    const authorized = request.headers.authorization !== undefined;
    const path = request.url ?? '/';
    this.requests.push({
      method: request.method ?? 'GET',
      path,
      headers: request.headers,
      authorized,
      origin,
    });
    if (this.networkFailures > 0) {
      this.networkFailures -= 1;
      request.socket.destroy();
      return;
    }
    const failure = this.failures.shift();
    const rejected = this.validTokens && authorized && !this.hasValidToken(request.headers.authorization);
    if (failure || rejected) {
      this.sendError(response, failure?.status ?? 401, failure?.headers ?? {});
      return;
    }
    const routed =
      origin === 'api' ? this.routeApi(request, response) : this.routeDownload(request, response);
    routed.catch((error: unknown) => {
      if (!response.headersSent) this.sendError(response, 500, {});
      else response.destroy(error instanceof Error ? error : undefined);
    });
  }

  private hasValidToken(header: string | undefined): boolean {
    const token = header?.replace(/^(token|bearer)\s+/i, '');
    return token !== undefined && (this.validTokens ?? []).includes(token);
  }

  private async routeApi(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.apiOrigin);
    const reposPrefix = `${this.prefix}/repos/`;
    const [owner = '', name = '', ...rest] = url.pathname
      .slice(reposPrefix.length)
      .split('/')
      .map(decodeURIComponent);
    const repo = this.repos.get(repoKey(owner, name));
    if (request.method !== 'GET' || !url.pathname.startsWith(reposPrefix) || !repo) {
      this.sendError(response, 404, {});
      return;
    }
    const resource = rest.join('/');
    if (resource === '') this.sendJson(request, response, repoJson(repo, this.apiOrigin + this.prefix));
    else if (resource === 'releases/latest') this.sendLatestRelease(request, response, repo);
    else if (resource === 'tags') this.sendTags(request, response, repo, url);
    else if (rest[0] === 'tarball' && rest.length > 1)
      this.redirectTarball(response, repo, rest.slice(1).join('/'));
    else if (rest[0] === 'releases' && rest[1] === 'assets' && rest.length === 3) {
      this.sendAsset(request, response, repo, Number(rest[2]));
    } else this.sendError(response, 404, {});
  }

  private sendLatestRelease(request: IncomingMessage, response: ServerResponse, repo: StoredRepo): void {
    const latest = repo.releases.filter((release) => !release.draft && !release.prerelease).at(-1);
    if (latest) this.sendJson(request, response, releaseJson(repo, latest, this.apiOrigin + this.prefix));
    else this.sendError(response, 404, {});
  }

  private sendTags(request: IncomingMessage, response: ServerResponse, repo: StoredRepo, url: URL): void {
    const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30) || 30, 100);
    const page = Math.max(Number(url.searchParams.get('page') ?? 1) || 1, 1);
    const lastPage = Math.max(Math.ceil(repo.tags.length / perPage), 1);
    const names = repo.tags.slice((page - 1) * perPage, page * perPage);
    const body = names.map((tag) => tagJson(repo, tag, this.apiOrigin + this.prefix));
    const link = linkHeader(url, page, lastPage);
    this.sendJson(request, response, body, link ? { link } : {});
  }

  private redirectTarball(response: ServerResponse, repo: StoredRepo, ref: string): void {
    const path = `/codeload/${repo.owner}/${repo.name}/legacy.tar.gz/${encodeURIComponent(ref)}`;
    if (repo.archives.has(ref)) this.sendRedirect(response, `${this.downloadOrigin}${path}`);
    else this.sendError(response, 404, {});
  }

  private sendAsset(request: IncomingMessage, response: ServerResponse, repo: StoredRepo, id: number): void {
    const asset = findAsset(repo, id);
    const location = `${this.downloadOrigin}/release-assets/${repo.owner}/${repo.name}/${id}`;
    if (!asset) this.sendError(response, 404, {});
    else if (request.headers.accept === 'application/octet-stream') this.sendRedirect(response, location);
    else this.sendJson(request, response, assetJson(repo, asset.tag, asset, this.apiOrigin + this.prefix));
  }

  private async routeDownload(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const parts = new URL(request.url ?? '/', this.downloadOrigin).pathname
      .split('/')
      .map(decodeURIComponent);
    const [, kind, owner = '', name = '', ...rest] = parts;
    const repo = this.repos.get(repoKey(owner, name));
    if (kind === 'codeload' && repo && rest[0] === 'legacy.tar.gz') {
      const archive = repo.archives.get(rest.slice(1).join('/'));
      if (archive) return sendArchive(response, archive, `${owner}-${name}.tar.gz`);
    }
    const asset = kind === 'release-assets' && repo ? findAsset(repo, Number(rest[0])) : undefined;
    if (asset) return sendAssetBody(response, asset);
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('404: Not Found');
  }

  private sendRedirect(response: ServerResponse, location: string): void {
    this.used += 1;
    response.writeHead(302, { ...this.rateLimitHeaders(), location, 'content-length': '0' });
    response.end();
  }

  private sendJson(
    request: IncomingMessage,
    response: ServerResponse,
    value: unknown,
    extraHeaders: Record<string, string> = {},
  ): void {
    const body = JSON.stringify(value);
    const etag = `"${sha1(body)}"`;
    if (etagMatches(request.headers['if-none-match'], etag)) {
      // GitHub does not count a conditional request that answers 304 against the rate limit.
      response.writeHead(304, { ...this.rateLimitHeaders(), ...extraHeaders, etag });
      response.end();
      return;
    }
    this.used += 1;
    response.writeHead(200, {
      ...this.rateLimitHeaders(),
      ...extraHeaders,
      etag,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(body);
  }

  private sendError(response: ServerResponse, status: number, headers: Record<string, string>): void {
    this.used += 1;
    const message = errorMessage(status, headers);
    const body = JSON.stringify({
      message,
      documentation_url: 'https://docs.github.com/rest',
      status: String(status),
    });
    response.writeHead(status, {
      ...this.rateLimitHeaders(),
      ...headers,
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(Buffer.byteLength(body)),
    });
    response.end(body);
  }

  private rateLimitHeaders(): Record<string, string> {
    return {
      'x-ratelimit-limit': String(rateLimit),
      'x-ratelimit-remaining': String(Math.max(rateLimit - this.used, 0)),
      'x-ratelimit-reset': String(rateLimitReset),
      'x-ratelimit-used': String(this.used),
      'x-ratelimit-resource': 'core',
    };
  }
}

function findAsset(repo: StoredRepo, id: number): StoredAsset | undefined {
  for (const release of repo.releases) {
    const asset = release.assets.find((candidate) => candidate.id === id);
    if (asset) return asset;
  }
  return undefined;
}
