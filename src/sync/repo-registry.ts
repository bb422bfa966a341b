import { type ConfiguredRepo, configuredRepos, type QuarryConfig } from '../core/config.ts';
import { ConflictError, NotFoundError, ValidationError } from '../core/errors/index.ts';
import type { Catalog, RepoRecord, TrackMode } from '../core/ports/catalog.ts';
import type { Logger } from '../core/ports/logger.ts';
import { normalizeRepoId } from '../core/repo-id.ts';

/** Settings a user gives to `quarry repos add`. */
export interface AddRepoRequest {
  id: string;
  ignoreFile?: string;
  track?: TrackMode;
  asset?: string;
}

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

/** Adds a repository for the user, or updates the settings of one the user added before. */
export async function addRepo(
  catalog: Catalog,
  request: AddRepoRequest,
): Promise<{ repo: RepoRecord; created: boolean }> {
  const id = normalizeRepoId(request.id);
  const settings = {
    ignoreFile: request.ignoreFile ?? null,
    track: request.track ?? 'releases',
    asset: request.asset ?? null,
  };
  const existing = await catalog.getRepo(id);
  if (!existing)
    return { repo: await catalog.addRepo({ id, enabled: true, origin: 'user', ...settings }), created: true };
  assertUserManaged(existing, 'change');
  return { repo: await catalog.updateRepo(existing.id, { ...settings, enabled: true }), created: false };
}

/** Enables or disables a repository (config-managed ones too: `enabled` in the config wins only when set). */
export async function setRepoEnabled(catalog: Catalog, id: string, enabled: boolean): Promise<RepoRecord> {
  const repo = await requireRepo(catalog, id);
  return catalog.updateRepo(repo.id, { enabled });
}

/** Removes a user-added repository from the catalog (its stored files stay in the object store). */
export async function removeRepo(catalog: Catalog, id: string): Promise<RepoRecord> {
  const repo = await requireRepo(catalog, id);
  assertUserManaged(repo, 'remove');
  await catalog.removeRepo(repo.id);
  return repo;
}

async function requireRepo(catalog: Catalog, id: string): Promise<RepoRecord> {
  const repo = await catalog.getRepo(normalizeRepoId(id));
  if (!repo)
    throw new NotFoundError(`Repository ${id} is not in the catalog.`, { hint: 'See `quarry repos list`.' });
  return repo;
}

function assertUserManaged(repo: RepoRecord, action: 'change' | 'remove'): void {
  if (repo.origin !== 'config') return;
  throw new ValidationError(
    `Repository ${repo.id} is managed by sync.repos in the configuration; cannot ${action} it here.`,
    {
      hint:
        action === 'remove'
          ? `Remove it from sync.repos in quarry.config.yaml (set sync.repos: [] to drop the defaults), or \`quarry repos disable ${repo.id}\`.`
          : 'Change its entry in sync.repos in quarry.config.yaml.',
    },
  );
}
