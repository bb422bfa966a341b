import { type FormEvent, useId, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { CreatedApiKey } from './api-types.ts';

/** Props of {@link ApiKeyCreateForm}. */
export interface ApiKeyCreateFormProps {
  onCreated: (created: CreatedApiKey) => Promise<void>;
}

/** Creates an API key for the signed-in user (`POST /api/keys`) from a name that says what it is for. */
export function ApiKeyCreateForm({ onCreated }: ApiKeyCreateFormProps) {
  const [name, setName] = useState('');
  const [error, setError] = useState<string | undefined>(undefined);
  const [creating, setCreating] = useState(false);
  const nameId = useId();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setCreating(true);
    setError(undefined);
    try {
      const created = await apiJson<CreatedApiKey>('/api/keys', {
        method: 'POST',
        body: { name: name.trim() },
      });
      setName('');
      await onCreated(created);
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setCreating(false);
    }
  }

  return (
    <form className="inline-form" onSubmit={create}>
      <div className="field">
        <label htmlFor={nameId}>Key name</label>
        <input
          id={nameId}
          required
          maxLength={100}
          placeholder="CI pipeline"
          value={name}
          onChange={(event) => setName(event.target.value)}
        />
      </div>
      <button type="submit" className="button-primary" disabled={creating}>
        Create key
      </button>
      {error && (
        <p className="alert form-message" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
