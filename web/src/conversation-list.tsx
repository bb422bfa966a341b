import { useEffect, useId, useState } from 'react';
import { apiJson, apiRequest, errorMessage } from './api-client.ts';
import type { ConversationSummary } from './api-types.ts';
import { ConversationItem } from './conversation-item.tsx';
import { conversationUrl } from './urls.ts';

/** Props of {@link ConversationList}. */
export interface ConversationListProps {
  activeId: string | undefined;
  /** Changing this reloads the list (after an answer finished). */
  refreshKey: number;
  onOpen: (conversationId: string) => void;
  onNewChat: () => void;
  onDeleted: (conversationId: string) => void;
}

/**
 * The sidebar: "New chat" and the stored conversations, each with a delete button.
 * Under 700px the list folds away behind a "Conversations" toggle.
 */
export function ConversationList({
  activeId,
  refreshKey,
  onOpen,
  onNewChat,
  onDeleted,
}: ConversationListProps) {
  const [conversations, setConversations] = useState<ConversationSummary[]>([]);
  const [error, setError] = useState<string | undefined>(undefined);
  const [expanded, setExpanded] = useState(false);
  const [reloads, setReloads] = useState(0);
  const listId = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: refreshKey and reloads exist to trigger reloads.
  useEffect(() => {
    const controller = new AbortController();
    apiJson<{ conversations: ConversationSummary[] }>('/api/conversations', { signal: controller.signal })
      .then((body) => {
        setConversations(body.conversations);
        setError(undefined);
      })
      .catch((caught: unknown) => {
        if (!controller.signal.aborted) setError(errorMessage(caught));
      });
    return () => controller.abort();
  }, [refreshKey, reloads]);

  async function remove(conversation: ConversationSummary) {
    try {
      await apiRequest(conversationUrl(conversation.id), { method: 'DELETE' });
      onDeleted(conversation.id);
    } catch (caught) {
      setError(errorMessage(caught));
    }
    setReloads((count) => count + 1);
  }

  function open(conversationId: string) {
    setExpanded(false);
    onOpen(conversationId);
  }

  return (
    <aside className="sidebar" aria-label="Conversations">
      <div className="sidebar-header">
        <button type="button" className="button-primary" onClick={onNewChat}>
          New chat
        </button>
        <button
          type="button"
          className="sidebar-toggle button-quiet"
          aria-expanded={expanded}
          aria-controls={listId}
          onClick={() => setExpanded(!expanded)}
        >
          Conversations
        </button>
      </div>
      <div id={listId} className={expanded ? 'sidebar-body sidebar-body-open' : 'sidebar-body'}>
        {error && (
          <p className="alert" role="alert">
            {error}
          </p>
        )}
        {conversations.length === 0 && !error && <p className="muted">No conversations yet.</p>}
        <ul className="conversation-list">
          {conversations.map((conversation) => (
            <ConversationItem
              key={conversation.id}
              conversation={conversation}
              active={conversation.id === activeId}
              onOpen={open}
              onDelete={remove}
            />
          ))}
        </ul>
      </div>
    </aside>
  );
}
