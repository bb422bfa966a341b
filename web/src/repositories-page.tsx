import { apiRequest } from './api-client.ts';
import { ApiError } from './api-error.ts';
import type { Repository } from './api-types.ts';
import { Messages } from './messages.tsx';
import { RepositoryAddForm } from './repository-add-form.tsx';
import { RepositoryTable } from './repository-table.tsx';
import { SyncPanel } from './sync-panel.tsx';
import { repositoryUrl } from './urls.ts';
import { useManagedList } from './use-managed-list.ts';

/** The admin page: watched repositories (add, enable/disable, remove) and sync runs. */
export function RepositoriesPage() {
  const list = useManagedList<Repository>('/api/repos', 'repos');
  const repositories = list.items;
  // A 412 means someone else changed the repository; the reload that follows shows their change.
  const explainConflict = (caught: unknown) =>
    caught instanceof ApiError && caught.status === 412 ? 'Changed by someone else, reloaded' : undefined;

  function setEnabled(repository: Repository, enabled: boolean) {
    // Show the new state at once; the reload after the request shows what the server kept.
    list.setItems((items) => items?.map((item) => (item.id === repository.id ? { ...item, enabled } : item)));
    void list.run(
      () =>
        apiRequest(repositoryUrl(repository.id), {
          method: 'PATCH',
          body: { enabled },
          headers: { 'if-match': repository.etag },
        }),
      undefined,
      explainConflict,
    );
  }

  function remove(repository: Repository) {
    if (!window.confirm(`Stop watching ${repository.id} and remove it?`)) return;
    void list.run(
      () => apiRequest(repositoryUrl(repository.id), { method: 'DELETE' }),
      `Removed ${repository.id}.`,
      explainConflict,
    );
  }

  return (
    <section className="form-page repositories-page">
      <h1>Repositories</h1>
      <RepositoryAddForm onAdded={list.reload} />
      <Messages error={list.error} notice={list.notice} />
      {repositories === undefined ? (
        !list.error && <p className="muted">Loading…</p>
      ) : (
        <RepositoryTable repositories={repositories} onSetEnabled={setEnabled} onRemove={remove} />
      )}
      <SyncPanel
        repositoryIds={repositories?.map((repository) => repository.id) ?? []}
        onSyncFinished={list.reload}
      />
    </section>
  );
}
