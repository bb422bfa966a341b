import type { ConversationSummary } from './api-types.ts';
import { formatDateTime } from './format.ts';

/** Props of {@link ConversationItem}. */
export interface ConversationItemProps {
  conversation: ConversationSummary;
  active: boolean;
  onOpen: (conversationId: string) => void;
  onDelete: (conversation: ConversationSummary) => Promise<void>;
}

/** One conversation in the sidebar: opens on click, with a delete button beside it. */
export function ConversationItem({ conversation, active, onOpen, onDelete }: ConversationItemProps) {
  const title = conversation.title.trim() || 'Untitled conversation';
  return (
    <li className={active ? 'conversation conversation-active' : 'conversation'}>
      <button
        type="button"
        className="conversation-open"
        aria-current={active ? 'true' : undefined}
        onClick={() => onOpen(conversation.id)}
      >
        <span className="conversation-title">{title}</span>
        <span className="conversation-date">{formatDateTime(conversation.updatedAt)}</span>
      </button>
      <button
        type="button"
        className="conversation-delete button-quiet"
        onClick={() => void onDelete(conversation)}
      >
        <span aria-hidden="true">×</span>
        <span className="visually-hidden">Delete {title}</span>
      </button>
    </li>
  );
}
