import { type UseChatHelpers, useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';
import { useEffect, useRef, useState } from 'react';
import { sessionFetch } from './api-client.ts';
import type { ChatDataParts, ChatMessage } from './api-types.ts';
import { messageAnswer } from './chat-message-parts.ts';
import { type KnowledgeScope, scopeFromChoice } from './knowledge-scope.ts';

/** What the user chose above the question box. */
export interface ChatSettings {
  /** Model name; `''` lets the server use its default. */
  model: string;
  /** Knowledge-source selector value; `''` means all sources. */
  knowledgeSource: string;
  xray: boolean;
}

/** The extra fields sent with every chat request. */
interface ChatRequestBody {
  model?: string | undefined;
  scope?: KnowledgeScope;
  xray?: boolean;
  conversationId?: string | undefined;
}

/** The chat and the conversation it belongs to. */
export interface AssistantChat {
  chat: UseChatHelpers<ChatMessage>;
  conversationId: string | undefined;
  setConversationId: (conversationId: string | undefined) => void;
  /** Grows after each finished answer, so the conversation list reloads. */
  answersFinished: number;
}

/**
 * `useChat` against `POST /api/chat`, sending the current settings and conversation with every
 * request and taking the conversation id from the answer's `data-answer` part.
 */
export function useAssistantChat(settings: ChatSettings): AssistantChat {
  const [conversationId, setConversationId] = useState<string | undefined>(undefined);
  const [answersFinished, setAnswersFinished] = useState(0);

  // The transport is made once; it reads the current settings when a request starts.
  const requestBody = useRef<ChatRequestBody>({});
  useEffect(() => {
    requestBody.current = {
      model: settings.model || undefined,
      scope: scopeFromChoice(settings.knowledgeSource),
      xray: settings.xray,
      conversationId,
    };
  });
  const [transport] = useState(
    () =>
      new DefaultChatTransport<ChatMessage>({
        api: '/api/chat',
        credentials: 'same-origin',
        fetch: sessionFetch,
        body: () => requestBody.current,
      }),
  );

  const chat = useChat<ChatMessage>({
    transport,
    // Known before the answer starts, so a retry after a failure continues the same conversation.
    onData: (part) => {
      if (part.type === 'data-conversation') {
        const data = part.data as ChatDataParts['conversation'];
        setConversationId(data.conversationId);
      }
    },
    onFinish: ({ message }) => {
      const answer = messageAnswer(message);
      if (answer) setConversationId(answer.conversationId);
      setAnswersFinished((count) => count + 1);
    },
  });

  return { chat, conversationId, setConversationId, answersFinished };
}
