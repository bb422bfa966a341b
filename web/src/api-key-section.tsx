import { useState } from 'react';
import { apiRequest } from './api-client.ts';
import { ApiKeyCreateForm } from './api-key-create-form.tsx';
import { ApiKeyReveal } from './api-key-reveal.tsx';
import { ApiKeyTable } from './api-key-table.tsx';
import type { ApiKey, CreatedApiKey } from './api-types.ts';
import { Messages } from './messages.tsx';
import { apiKeyUrl } from './urls.ts';
import { useManagedList } from './use-managed-list.ts';

/** The user's API keys (`GET /api/keys`): create one (its secret shown once), revoke active ones. */
export function ApiKeySection() {
  const list = useManagedList<ApiKey>('/api/keys', 'keys');
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);

  async function keyCreated(result: CreatedApiKey) {
    setCreated(result);
    await list.reload();
  }

  function revoke(key: ApiKey) {
    void list.run(async () => {
      await apiRequest(apiKeyUrl(key.id), { method: 'DELETE' });
      setCreated((shown) => (shown?.record.id === key.id ? undefined : shown));
    }, `Revoked ${key.name}.`);
  }

  return (
    <section className="account-section" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p className="muted">
        Programs and scripts use an API key instead of your password. Each key works until you revoke it.
      </p>
      <ApiKeyCreateForm onCreated={keyCreated} />
      {created && <ApiKeyReveal key={created.record.id} created={created} />}
      <Messages error={list.error} notice={list.notice} />
      {list.items === undefined ? (
        !list.error && <p className="muted">Loading…</p>
      ) : (
        <ApiKeyTable keys={list.items} onRevoke={revoke} />
      )}
    </section>
  );
}
