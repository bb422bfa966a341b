import { useId, useState } from 'react';
import { apiJson } from './api-client.ts';
import type { Repository } from './api-types.ts';
import { Messages } from './messages.tsx';
import { useFormAction } from './use-form-action.ts';

/** Props of {@link RepositoryAddForm}. */
export interface RepositoryAddFormProps {
  onAdded: () => Promise<void>;
}

/** Adds a repository to watch (`POST /api/repos`): `owner/name`, releases or tags, optional asset. */
export function RepositoryAddForm({ onAdded }: RepositoryAddFormProps) {
  const [id, setId] = useState('');
  const [track, setTrack] = useState<'releases' | 'tags'>('releases');
  const [asset, setAsset] = useState('');
  const form = useFormAction();
  const idInput = useId();
  const trackInput = useId();
  const assetInput = useId();

  const add = form.handler(async () => {
    const body = { id: id.trim(), track, ...(asset.trim() ? { asset: asset.trim() } : {}) };
    const { repo } = await apiJson<{ repo: Repository }>('/api/repos', { method: 'POST', body });
    setId('');
    setAsset('');
    await onAdded();
    return `Added ${repo.id}.`;
  });

  return (
    <form className="inline-form" onSubmit={add}>
      <div className="field">
        <label htmlFor={idInput}>Repository</label>
        <input
          id={idInput}
          required
          placeholder="owner/name"
          value={id}
          onChange={(event) => setId(event.target.value)}
        />
      </div>
      <div className="field">
        <label htmlFor={trackInput}>Track</label>
        <select
          id={trackInput}
          value={track}
          onChange={(event) => setTrack(event.target.value === 'tags' ? 'tags' : 'releases')}
        >
          <option value="releases">Releases</option>
          <option value="tags">Tags</option>
        </select>
      </div>
      <div className="field">
        <label htmlFor={assetInput}>Asset (optional)</label>
        <input
          id={assetInput}
          placeholder="source archive"
          value={asset}
          onChange={(event) => setAsset(event.target.value)}
        />
      </div>
      <button type="submit" className="button-primary" disabled={form.busy}>
        Add repository
      </button>
      <Messages error={form.error} notice={form.notice} className="form-message" />
    </form>
  );
}
