import { type FormEvent, type KeyboardEvent, useId, useState } from 'react';

/** Props of {@link ChatInput}. */
export interface ChatInputProps {
  /** Whether an answer is being requested or streamed. */
  busy: boolean;
  onSend: (question: string) => void;
  onStop: () => void;
}

/** The question box: Enter sends, Shift+Enter adds a line; "Stop" ends a streaming answer. */
export function ChatInput({ busy, onSend, onStop }: ChatInputProps) {
  const [question, setQuestion] = useState('');
  const questionId = useId();
  const canSend = !busy && question.trim() !== '';

  function send() {
    if (!canSend) return;
    onSend(question.trim());
    setQuestion('');
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    send();
  }

  function keyDown(event: KeyboardEvent<HTMLTextAreaElement>) {
    if (event.key === 'Enter' && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      send();
    }
  }

  return (
    <form className="chat-input" onSubmit={submit}>
      <label htmlFor={questionId} className="chat-input-label">
        Question
      </label>
      <textarea
        id={questionId}
        rows={2}
        placeholder="Ask about your repositories and documents…"
        value={question}
        onChange={(event) => setQuestion(event.target.value)}
        onKeyDown={keyDown}
      />
      <div className="chat-input-actions">
        {busy && (
          <button type="button" className="button-quiet" onClick={onStop}>
            Stop
          </button>
        )}
        <button type="submit" className="button-primary" disabled={!canSend}>
          Send
        </button>
      </div>
    </form>
  );
}
