import { useEffect, useState } from 'react';
import { apiJson } from './api-client.ts';
import type { Repository } from './api-types.ts';

/** The ids (`owner/name`) of the watched repositories; empty when they cannot be listed. */
export function useRepositoryIds(): string[] {
  const [ids, setIds] = useState<string[]>([]);
  useEffect(() => {
    const controller = new AbortController();
    apiJson<{ repos: Repository[] }>('/api/repos', { signal: controller.signal })
      .then((body) => setIds(body.repos.map((repo) => repo.id)))
      .catch(() => {
        // Grounding is optional: without the list the selector only offers "No grounding".
      });
    return () => controller.abort();
  }, []);
  return ids;
}
