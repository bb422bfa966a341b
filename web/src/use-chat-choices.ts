import { useEffect, useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { ModelInfo, ModelsResponse, Repository } from './api-types.ts';

/** The models and knowledge sources the chat controls offer. */
export interface ChatChoices {
  models: ModelInfo[];
  defaultModel: string | undefined;
  repositoryIds: string[];
  sourceNames: string[];
  /** Why some lists could not be loaded (the selectors then offer fewer choices). */
  problems: string[];
}

const EMPTY_CHOICES: ChatChoices = {
  models: [],
  defaultModel: undefined,
  repositoryIds: [],
  sourceNames: [],
  problems: [],
};

/**
 * Loads the model list, the repositories and the other search sources each time `active`
 * turns true (the chat page is shown), so repositories added meanwhile appear.
 */
export function useChatChoices(active: boolean): ChatChoices {
  const [choices, setChoices] = useState<ChatChoices>(EMPTY_CHOICES);

  useEffect(() => {
    if (!active) return;
    let current = true;
    void Promise.allSettled([
      apiJson<ModelsResponse>('/api/models'),
      apiJson<{ repos: Repository[] }>('/api/repos'),
      apiJson<{ sources: string[] }>('/api/search/sources'),
    ]).then(([models, repositories, sources]) => {
      if (!current) return;
      const problems = [models, repositories, sources].flatMap((result) =>
        result.status === 'rejected' ? [errorMessage(result.reason)] : [],
      );
      setChoices({
        models: models.status === 'fulfilled' ? models.value.models : [],
        defaultModel: models.status === 'fulfilled' ? models.value.default : undefined,
        repositoryIds:
          repositories.status === 'fulfilled' ? repositories.value.repos.map((repo) => repo.id) : [],
        sourceNames: sources.status === 'fulfilled' ? sources.value.sources : [],
        problems,
      });
    });
    return () => {
      current = false;
    };
  }, [active]);

  return choices;
}
