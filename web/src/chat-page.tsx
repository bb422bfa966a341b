import { useState } from 'react';
import { apiJson, errorMessage } from './api-client.ts';
import type { ConversationResponse } from './api-types.ts';
import { ChatControls } from './chat-controls.tsx';
import { ChatInput } from './chat-input.tsx';
import { storedMessageToChatMessage } from './chat-message-parts.ts';
import { ChatMessages } from './chat-messages.tsx';
import { ConversationList } from './conversation-list.tsx';
import { conversationUrl } from './urls.ts';
import { useAssistantChat } from './use-assistant-chat.ts';
import { useChatChoices } from './use-chat-choices.ts';

/**
 * The chat page: conversations on the side, the messages, the model / knowledge-source / X-ray
 * controls and the question box. Answers stream from `POST /api/chat`.
 */
export function ChatPage({ hidden }: { hidden: boolean }) {
  const choices = useChatChoices(!hidden);
  const [chosenModel, setChosenModel] = useState<string | undefined>(undefined);
  const [knowledgeSource, setKnowledgeSource] = useState('');
  const [xray, setXray] = useState(false);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const model = chosenModel ?? choices.defaultModel ?? '';
  const { chat, conversationId, setConversationId, answersFinished } = useAssistantChat({
    model,
    knowledgeSource,
    xray,
  });
  const busy = chat.status === 'submitted' || chat.status === 'streaming';

  function startNewChat() {
    void chat.stop();
    chat.clearError();
    chat.setMessages([]);
    setConversationId(undefined);
    setLoadError(undefined);
  }

  async function openConversation(id: string) {
    setLoadError(undefined);
    try {
      const { messages } = await apiJson<ConversationResponse>(conversationUrl(id));
      await chat.stop();
      chat.clearError();
      chat.setMessages(messages.map(storedMessageToChatMessage));
      setConversationId(id);
    } catch (caught) {
      setLoadError(`The conversation could not be loaded: ${errorMessage(caught)}`);
    }
  }

  return (
    <div className="chat-page" hidden={hidden}>
      <ConversationList
        activeId={conversationId}
        refreshKey={answersFinished}
        onOpen={(id) => void openConversation(id)}
        onNewChat={startNewChat}
        onDeleted={(id) => {
          if (id === conversationId) startNewChat();
        }}
      />
      <section className="chat-main" aria-label="Chat">
        <h1 className="visually-hidden">Chat</h1>
        <ChatMessages chat={chat} showXray={xray} loadError={loadError} />
        <div className="chat-composer">
          <ChatControls
            choices={choices}
            model={model}
            onModelChange={setChosenModel}
            knowledgeSource={knowledgeSource}
            onKnowledgeSourceChange={setKnowledgeSource}
            xray={xray}
            onXrayChange={setXray}
          />
          <ChatInput
            busy={busy}
            onSend={(question) => void chat.sendMessage({ text: question })}
            onStop={() => void chat.stop()}
          />
        </div>
      </section>
    </div>
  );
}
