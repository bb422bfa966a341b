import { AnswerMarkdown } from './answer-markdown.tsx';
import { AnswerNotes } from './answer-notes.tsx';
import type { ChatMessage } from './api-types.ts';
import { messageAnswer, messageSources, messageText, messageXray } from './chat-message-parts.ts';
import { SourceList } from './source-list.tsx';
import { XrayPanel } from './xray-panel.tsx';

/** Props of {@link ChatMessageView}. */
export interface ChatMessageViewProps {
  message: ChatMessage;
  showXray: boolean;
}

/** One chat message: the user's question as plain text, or an answer with sources and X-ray. */
export function ChatMessageView({ message, showXray }: ChatMessageViewProps) {
  if (message.role !== 'assistant') {
    return (
      <div className="message message-user">
        <span className="visually-hidden">You asked: </span>
        <p className="message-question">{messageText(message)}</p>
      </div>
    );
  }
  const sources = messageSources(message);
  const answer = messageAnswer(message);
  const xray = messageXray(message);
  return (
    <div className="message message-assistant">
      <span className="visually-hidden">Quarry answered: </span>
      <AnswerMarkdown text={messageText(message)} sources={sources} />
      {message.metadata?.error && (
        <p className="note note-warning">This answer failed: {message.metadata.error}</p>
      )}
      {answer && <AnswerNotes answer={answer} />}
      <SourceList sources={sources} answer={answer} />
      {showXray && xray && <XrayPanel xray={xray} />}
    </div>
  );
}
