import { type ConfiguredRepo, configuredRepos, type QuarryConfig } from '../core/config.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { Catalog, RepoRecord, TrackMode } from '../core/ports/catalog.ts';
import type { Logger } from '../core/ports/logger.ts';
import { normalizeRepoId } from '../core/repo-id.ts';

/**
 * Makes the catalog agree with `sync.repos`: repositories named in the config are added or updated, and
 * config-managed repositories no longer named are disabled (never deleted, so their history stays) and
 * handed over to the user.
 */
export async function reconcileConfiguredRepos(
  catalog: Catalog,
  config: QuarryConfig,
  logger: Logger,
): Promise<void> {
  const wanted = new Map(
    configuredRepos(config).map((entry) => [normalizeRepoId(entry.id).toLowerCase(), entry]),
  );
  const existing = await catalog.listRepos();
  for (const repo of existing) {
    const entry = wanted.get(repo.id.toLowerCase());
    if (entry) {
      await catalog.updateRepo(repo.id, settingsFromConfig(entry, repo));
      wanted.delete(repo.id.toLowerCase());
    } else if (repo.origin === 'config') {
      await catalog.updateRepo(repo.id, { enabled: false, origin: 'user' });
      logger.info({ repo: repo.id }, 'disabled: no longer listed in sync.repos');
    }
  }
  for (const entry of wanted.values()) {
    const id = normalizeRepoId(entry.id);
    try {
      await catalog.addRepo({ ...settingsFromConfig(entry, undefined), id });
    } catch (error) {
      // Another command starting at the same moment added it first; apply the config to its record.
      if (!(error instanceof ConflictError)) throw error;
      await catalog.updateRepo(id, settingsFromConfig(entry, await catalog.getRepo(id)));
    }
  }
}

function settingsFromConfig(entry: ConfiguredRepo, current: RepoRecord | undefined) {
  return {
    origin: 'config' as const,
    // A repository the config takes over (again) starts enabled; one it already manages keeps a
    // `quarry repos disable` unless the config says otherwise.
    enabled: entry.enabled ?? (current?.origin === 'config' ? current.enabled : true),
    ignoreFile: entry.ignoreFile ?? null,
    track: entry.track ?? 'releases',
    asset: entry.asset ?? null,
  };
}

/**
 * A repository to watch, as `quarry repos add` and `POST /api/repos` give it. `id` is `owner/name` in any
 * spelling {@link normalizeRepoId} accepts; settings left out take their defaults (enabled, releases, the
 * source tarball, no ignore file).
 */
export interface AddRepoRequest {
  id: string;
  enabled?: boolean | undefined;
  /** Absolute path of a gitignore-style file, already checked by the caller (only the CLI reads files). */
  ignoreFile?: string | undefined;
  track?: TrackMode | undefined;
  asset?: string | null | undefined;
}

/** Changes to a watched repository; a field left out keeps its value, `null` clears a setting. */
export interface RepoChanges {
  enabled?: boolean | undefined;
  ignoreFile?: string | null | undefined;
  track?: TrackMode | undefined;
  asset?: string | null | undefined;
}

/** What {@link changeRepo} checks besides the rules of the catalog. */
export interface ChangeRepoOptions {
  /**
   * Called with the current record before anything changes; throwing refuses the change. The API checks
   * an `If-Match` ETag here, so "changed by someone else since you read it" is decided on the record the
   * change is applied to.
   */
  precondition?: (current: RepoRecord) => void;
}

/**
 * Starts watching a repository for the user (`origin: 'user'`). A repository already watched, in any case,
 * is a `ConflictError`: {@link changeRepo} changes it.
 */
export async function addRepo(catalog: Catalog, request: AddRepoRequest): Promise<RepoRecord> {
  const id = normalizeRepoId(request.id);
  const existing = await catalog.getRepo(id);
  if (existing) throw repoAlreadyWatched(existing.id);
  try {
    return await catalog.addRepo({
      id,
      enabled: request.enabled ?? true,
      origin: 'user',
      ignoreFile: request.ignoreFile ?? null,
      track: request.track ?? 'releases',
      asset: request.asset ?? null,
    });
  } catch (error) {
    // Added by someone else between the look-up and the write: the same answer as when it was there first.
    if (error instanceof ConflictError) throw repoAlreadyWatched(id);
    throw error;
  }
}

/**
 * What `quarry repos add` does: adds the repository, or gives one the user added before exactly the
 * settings of `request` (those left out return to their defaults) and enables it, so running the same
 * command again is how settings are changed. A repository managed by the configuration is refused as in
 * {@link changeRepo}.
 */
export async function addOrReplaceRepo(
  catalog: Catalog,
  request: AddRepoRequest,
): Promise<{ repo: RepoRecord; created: boolean }> {
  try {
    return { repo: await addRepo(catalog, request), created: true };
  } catch (error) {
    // Already watched (or added by someone else a moment ago): replace its settings instead.
    if (!(error instanceof ConflictError)) throw error;
  }
  const repo = await changeRepo(catalog, request.id, {
    enabled: request.enabled ?? true,
    ignoreFile: request.ignoreFile ?? null,
    track: request.track ?? 'releases',
    asset: request.asset ?? null,
  });
  return { repo, created: false };
}

/**
 * Changes a watched repository. Enabling and disabling work for every repository (`enabled` in the
 * configuration wins only when set there); the other settings of a repository managed by `sync.repos` are
 * the configuration's, so changing them is a `ValidationError`. An unknown repository is a
 * `NotFoundError`.
 */
export async function changeRepo(
  catalog: Catalog,
  id: string,
  changes: RepoChanges,
  options: ChangeRepoOptions = {},
): Promise<RepoRecord> {
  const repo = await requireRepo(catalog, id);
  options.precondition?.(repo);
  const settings = {
    ...(changes.ignoreFile === undefined ? {} : { ignoreFile: changes.ignoreFile }),
    ...(changes.track === undefined ? {} : { track: changes.track }),
    ...(changes.asset === undefined ? {} : { asset: changes.asset }),
  };
  if (Object.keys(settings).length > 0) assertUserManaged(repo, 'change');
  return catalog.updateRepo(repo.id, {
    ...settings,
    ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
  });
}

/**
 * Stops watching a repository the user added (its stored files stay in the object store). A repository
 * managed by `sync.repos` is a `ValidationError`; an unknown one a `NotFoundError`.
 */
export async function removeRepo(catalog: Catalog, id: string): Promise<RepoRecord> {
  const repo = await requireRepo(catalog, id);
  assertUserManaged(repo, 'remove');
  await catalog.removeRepo(repo.id);
  return repo;
}

/**
 * The watched repository `id` names (normalised, compared ignoring case), or a `NotFoundError` for one
 * that is not watched; an id that is not `owner/name` is a `ValidationError`.
 */
export async function requireRepo(catalog: Catalog, id: string): Promise<RepoRecord> {
  const repo = await catalog.getRepo(normalizeRepoId(id));
  if (repo) return repo;
  throw new NotFoundError(`Repository ${id} is not watched.`, {
    hint: 'Check the name against the watched repositories (quarry repos list, GET /api/repos), or add it first.',
  });
}

function repoAlreadyWatched(id: string): ConflictError {
  return new ConflictError(`Repository ${id} is already watched.`, {
    hint: `Change its settings instead (PATCH /api/repos/${id}, or quarry repos add ${id} with the new settings).`,
  });
}

function assertUserManaged(repo: RepoRecord, action: 'change' | 'remove'): void {
  if (repo.origin !== 'config') return;
  throw new ValidationError(
    `Repository ${repo.id} is managed by sync.repos in the configuration; cannot ${action} it here.`,
    {
      hint:
        action === 'remove'
          ? `Remove it from sync.repos in quarry.config.yaml (set sync.repos: [] to drop the defaults), or \`quarry repos disable ${repo.id}\`.`
          : 'Change its entry in sync.repos in quarry.config.yaml; only enabling and disabling work here.',
    },
  );
}
