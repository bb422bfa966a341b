import { useId } from 'react';
import type { ModelInfo } from './api-types.ts';
import { repositoryChoice, sourceChoice } from './knowledge-scope.ts';
import type { ChatChoices } from './use-chat-choices.ts';

/** Props of {@link ChatControls}. */
export interface ChatControlsProps {
  choices: ChatChoices;
  model: string;
  onModelChange: (model: string) => void;
  knowledgeSource: string;
  onKnowledgeSourceChange: (choice: string) => void;
  xray: boolean;
  onXrayChange: (xray: boolean) => void;
}

/** The model selector, the knowledge-source selector and the X-ray toggle above the question box. */
export function ChatControls(props: ChatControlsProps) {
  const { choices } = props;
  const modelId = useId();
  const sourceId = useId();
  const xrayId = useId();
  return (
    <div className="chat-controls">
      <div className="field-inline">
        <label htmlFor={modelId}>Model</label>
        <select
          id={modelId}
          value={props.model}
          onChange={(event) => props.onModelChange(event.target.value)}
        >
          {choices.models.length === 0 && <option value="">{choices.defaultModel ?? 'Default model'}</option>}
          {choices.models.map((model) => (
            <option key={model.name} value={model.name}>
              {modelLabel(model, choices.defaultModel)}
            </option>
          ))}
        </select>
      </div>
      <div className="field-inline">
        <label htmlFor={sourceId}>Knowledge source</label>
        <select
          id={sourceId}
          value={props.knowledgeSource}
          onChange={(event) => props.onKnowledgeSourceChange(event.target.value)}
        >
          <option value="">All sources</option>
          {choices.repositoryIds.length > 0 && (
            <optgroup label="Repositories">
              {choices.repositoryIds.map((id) => (
                <option key={id} value={repositoryChoice(id)}>
                  {id}
                </option>
              ))}
            </optgroup>
          )}
          {choices.sourceNames.length > 0 && (
            <optgroup label="Other sources">
              {choices.sourceNames.map((name) => (
                <option key={name} value={sourceChoice(name)}>
                  {name}
                </option>
              ))}
            </optgroup>
          )}
        </select>
      </div>
      <div className="field-inline field-checkbox">
        <input
          id={xrayId}
          type="checkbox"
          checked={props.xray}
          onChange={(event) => props.onXrayChange(event.target.checked)}
        />
        <label htmlFor={xrayId}>X-ray</label>
      </div>
      {choices.problems.length > 0 && (
        <p className="muted chat-controls-problems">
          Some choices could not be loaded: {choices.problems.join('; ')}
        </p>
      )}
    </div>
  );
}

function modelLabel(model: ModelInfo, defaultModel: string | undefined): string {
  const name = model.name === defaultModel ? `${model.name} (default)` : model.name;
  const detail = `${name} · ${model.provider}/${model.model}`;
  if (model.reachable !== false) return detail;
  return `${detail} · unreachable${model.reason ? `: ${model.reason}` : ''}`;
}
