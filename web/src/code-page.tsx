import { type FormEvent, useId, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { CodeResult } from './api-types.ts';
import { CodeResultView } from './code-result-view.tsx';
import { useRepositoryIds } from './use-repository-ids.ts';

const LANGUAGES = [
  'python',
  'typescript',
  'javascript',
  'java',
  'go',
  'rust',
  'bash',
  'csharp',
  'sql',
  'yaml',
];

/** The code page: language and instructions in, generated code out (`POST /api/code`), stored with provenance. */
export function CodePage() {
  const [language, setLanguage] = useState('python');
  const [instructions, setInstructions] = useState('');
  const [ground, setGround] = useState('');
  const [result, setResult] = useState<CodeResult | undefined>(undefined);
  const [error, setError] = useState<string | undefined>(undefined);
  const [generating, setGenerating] = useState(false);
  const repositoryIds = useRepositoryIds();
  const languageId = useId();
  const languageListId = useId();
  const instructionsId = useId();
  const groundId = useId();

  async function generate(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setGenerating(true);
    setError(undefined);
    try {
      const body = { language: language.trim(), message: instructions, ...(ground ? { ground } : {}) };
      setResult(await apiJson<CodeResult>('/api/code', { method: 'POST', body }));
    } catch (caught) {
      setError(errorMessage(caught));
    } finally {
      setGenerating(false);
    }
  }

  return (
    <section className="form-page">
      <h1>Generate code</h1>
      <form className="stacked-form" onSubmit={generate}>
        <label htmlFor={languageId}>Language</label>
        <input
          id={languageId}
          list={languageListId}
          required
          value={language}
          onChange={(event) => setLanguage(event.target.value)}
        />
        <datalist id={languageListId}>
          {LANGUAGES.map((name) => (
            <option key={name} value={name} />
          ))}
        </datalist>
        <label htmlFor={instructionsId}>Instructions</label>
        <textarea
          id={instructionsId}
          rows={6}
          required
          placeholder="Describe the code you need…"
          value={instructions}
          onChange={(event) => setInstructions(event.target.value)}
        />
        <label htmlFor={groundId}>Ground in a synced repository (optional)</label>
        <select id={groundId} value={ground} onChange={(event) => setGround(event.target.value)}>
          <option value="">No grounding</option>
          {repositoryIds.map((id) => (
            <option key={id} value={id}>
              {id}
            </option>
          ))}
        </select>
        <button type="submit" className="button-primary" disabled={generating}>
          Generate
        </button>
        {generating && (
          <p className="muted" role="status">
            Generating…
          </p>
        )}
      </form>
      {error && (
        <p className="alert" role="alert">
          {error}
        </p>
      )}
      {result && <CodeResultView result={result} />}
    </section>
  );
}
