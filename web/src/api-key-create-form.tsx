import { useId, useState } from 'react';
import { apiJson } from './api-client.ts';
import type { CreatedApiKey } from './api-types.ts';
import { Messages } from './messages.tsx';
import { useFormAction } from './use-form-action.ts';

/** Props of {@link ApiKeyCreateForm}. */
export interface ApiKeyCreateFormProps {
  onCreated: (created: CreatedApiKey) => Promise<void>;
}

/** Creates an API key for the signed-in user (`POST /api/keys`) from a name that says what it is for. */
export function ApiKeyCreateForm({ onCreated }: ApiKeyCreateFormProps) {
  const [name, setName] = useState('');
  const form = useFormAction();
  const nameId = useId();

  // The key itself is the success message: the section shows it once, with a copy button.
  const create = form.handler(async () => {
    const created = await apiJson<CreatedApiKey>('/api/keys', {
      method: 'POST',
      body: { name: name.trim() },
    });
    setName('');
    await onCreated(created);
    return undefined;
  });

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
      <button type="submit" className="button-primary" disabled={form.busy}>
        Create key
      </button>
      <Messages error={form.error} notice={undefined} className="form-message" />
    </form>
  );
}
