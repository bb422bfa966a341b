import { useCallback, useEffect, useState } from 'react';
import { apiJson, apiRequest, errorMessage } from './api-client.ts';
import { ApiKeyCreateForm } from './api-key-create-form.tsx';
import { ApiKeyReveal } from './api-key-reveal.tsx';
import { ApiKeyTable } from './api-key-table.tsx';
import type { ApiKey, CreatedApiKey } from './api-types.ts';
import { apiKeyUrl } from './urls.ts';

/** The user's API keys (`GET /api/keys`): create one (its secret shown once), revoke active ones. */
export function ApiKeySection() {
  const [keys, setKeys] = useState<ApiKey[] | undefined>(undefined);
  const [created, setCreated] = useState<CreatedApiKey | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [notice, setNotice] = useState<string | undefined>(undefined);

  const reload = useCallback(async () => {
    try {
      const body = await apiJson<{ keys: ApiKey[] }>('/api/keys');
      setKeys(body.keys);
    } catch (caught) {
      setError(errorMessage(caught));
    }
  }, []);

  useEffect(() => {
    void reload();
  }, [reload]);

  async function keyCreated(result: CreatedApiKey) {
    setError(undefined);
    setNotice(undefined);
    setCreated(result);
    await reload();
  }

  async function revoke(key: ApiKey) {
    setError(undefined);
    setNotice(undefined);
    try {
      await apiRequest(apiKeyUrl(key.id), { method: 'DELETE' });
      setNotice(`Revoked ${key.name}.`);
      setCreated((shown) => (shown?.record.id === key.id ? undefined : shown));
    } catch (caught) {
      setError(errorMessage(caught));
    }
    await reload();
  }

  return (
    <section className="account-section" aria-labelledby="api-keys-title">
      <h2 id="api-keys-title">API keys</h2>
      <p className="muted">
        Programs and scripts use an API key instead of your password. Each key works until you revoke it.
      </p>
      <ApiKeyCreateForm onCreated={keyCreated} />
      {created && <ApiKeyReveal key={created.record.id} created={created} />}
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
      {keys === undefined ? (
        !error && <p className="muted">Loading…</p>
      ) : (
        <ApiKeyTable keys={keys} onRevoke={(key) => void revoke(key)} />
      )}
    </section>
  );
}
