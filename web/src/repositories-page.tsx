import { useCallback, useEffect, useState } from 'react';
import { apiJson, apiRequest, errorMessage } from './api-client.ts';
import { ApiError } from './api-error.ts';
import type { Repository } from './api-types.ts';
import { RepositoryAddForm } from './repository-add-form.tsx';
import { RepositoryTable } from './repository-table.tsx';
import { SyncPanel } from './sync-panel.tsx';
import { repositoryUrl } from './urls.ts';

/** The admin page: watched repositories (add, enable/disable, remove) and sync runs. */
export function RepositoriesPage() {
  const [repositories, setRepositories] = useState<Repository[] | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      const body = await apiJson<{ repos: Repository[] }>('/api/repos');
      setRepositories(body.repos);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function run(action: () => Promise<unknown>, success?: string) {
    setError(undefined);
    setNotice(undefined);
    try {
      await action();
      if (success) setNotice(success);
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 412) setNotice('Changed by someone else, reloaded');
      else setError(errorMessage(caught));
    }
    await reload();
  }

  function setEnabled(repository: Repository, enabled: boolean) {
    // Show the new state at once; the reload after the request shows what the server kept.
    setRepositories((list) => list?.map((item) => (item.id === repository.id ? { ...item, enabled } : item)));
    void run(() =>
      apiRequest(repositoryUrl(repository.id), {
        method: 'PATCH',
        body: { enabled },
        headers: { 'if-match': repository.etag },
      }),
    );
  }

  function remove(repository: Repository) {
    if (!window.confirm(`Stop watching ${repository.id} and remove it?`)) return;
    void run(
      () => apiRequest(repositoryUrl(repository.id), { method: 'DELETE' }),
      `Removed ${repository.id}.`,
    );
  }

  return (
    <section className="form-page repositories-page">
      <h1>Repositories</h1>
      <RepositoryAddForm onAdded={reload} />
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p className="notice" role="status">
          {notice}
        </p>
      )}
      {repositories === undefined ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <RepositoryTable repositories={repositories} onSetEnabled={setEnabled} onRemove={remove} />
      )}
      <SyncPanel
        repositoryIds={repositories?.map((repository) => repository.id) ?? []}
        onSyncFinished={reload}
      />
    </section>
  );
}
