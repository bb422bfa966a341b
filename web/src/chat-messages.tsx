import type { UseChatHelpers } from '@ai-sdk/react';
import { useEffect, useRef } from 'react';
import type { ChatMessage } from './api-types.ts';
import { ChatError } from './chat-error.tsx';
import { ChatMessageView } from './chat-message-view.tsx';

/** Props of {@link ChatMessages}. */
export interface ChatMessagesProps {
  chat: UseChatHelpers<ChatMessage>;
  showXray: boolean;
  /** Why the last conversation could not be opened. */
  loadError: string | undefined;
}

/** The messages of the chat, the waiting indicator and the error with "Retry". */
export function ChatMessages({ chat, showXray, loadError }: ChatMessagesProps) {
  const endRef = useRef<HTMLDivElement>(null);
  const messageCount = chat.messages.length;
  useEffect(() => {
    if (messageCount > 0) endRef.current?.scrollIntoView({ block: 'end' });
  }, [messageCount]);

  return (
    <div className="chat-messages">
      {messageCount === 0 && (
        <p className="chat-empty muted">Ask a question about your synced repositories and documents.</p>
      )}
      {chat.messages.map((message) => (
        <ChatMessageView key={message.id} message={message} showXray={showXray} />
      ))}
      {chat.status === 'submitted' && (
        <p className="muted" role="status">
          Searching and thinking…
        </p>
      )}
      {chat.error && <ChatError error={chat.error} onRetry={() => void chat.regenerate()} />}
      {loadError && (
        <p className="alert" role="alert">
          {loadError}
        </p>
      )}
      <div ref={endRef} />
    </div>
  );
}
