import { chatErrorMessage } from './api-error.ts';

/** Props of {@link ChatError}. */
export interface ChatErrorProps {
  error: Error;
  onRetry: () => void;
}

/** The failure of the last answer, with a "Retry" button that asks the same question again. */
export function ChatError({ error, onRetry }: ChatErrorProps) {
  return (
    <div className="alert chat-error" role="alert">
      <p>{chatErrorMessage(error)}</p>
      <button type="button" className="button-quiet" onClick={onRetry}>
        Retry
      </button>
    </div>
  );
}
