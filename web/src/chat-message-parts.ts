import type { AnswerData, ChatMessage, Source, StoredMessage, XrayData } from './api-types.ts';

/** The text of a message: its text parts joined. */
export function messageText(message: ChatMessage): string {
  let text = '';
  for (const part of message.parts) {
    if (part.type === 'text') text += part.text;
  }
  return text;
}

/** The sources of an answer: the streamed `data-sources` part, else stored citations. */
export function messageSources(message: ChatMessage): Source[] {
  for (const part of message.parts) {
    if (part.type === 'data-sources') return part.data.sources;
  }
  return message.metadata?.citations ?? [];
}

/** The `data-answer` part of a streamed answer, once the answer is complete. */
export function messageAnswer(message: ChatMessage): AnswerData | undefined {
  for (const part of message.parts) {
    if (part.type === 'data-answer') return part.data;
  }
  return undefined;
}

/** The `data-xray` part of an answer requested with X-ray on. */
export function messageXray(message: ChatMessage): XrayData | undefined {
  for (const part of message.parts) {
    if (part.type === 'data-xray') return part.data;
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isSource(value: unknown): value is Source {
  return (
    isRecord(value) &&
    typeof value.n === 'number' &&
    typeof value.citation === 'string' &&
    typeof value.path === 'string'
  );
}

/** The citations stored in an assistant message's metadata, skipping malformed entries. */
export function storedCitations(metadata: unknown): Source[] {
  if (!isRecord(metadata) || !Array.isArray(metadata.citations)) return [];
  return metadata.citations.filter(isSource);
}

/** Turns a stored conversation message into the UI message `useChat` renders. */
export function storedMessageToChatMessage(stored: StoredMessage): ChatMessage {
  const message: ChatMessage = {
    id: `stored-${stored.seq}`,
    role: stored.role,
    parts: [{ type: 'text', text: stored.content }],
  };
  if (stored.role !== 'assistant') return message;
  const citations = storedCitations(stored.metadata);
  const error =
    isRecord(stored.metadata) && typeof stored.metadata.error === 'string'
      ? stored.metadata.error
      : undefined;
  if (citations.length > 0 || error !== undefined) {
    message.metadata = {
      ...(citations.length > 0 ? { citations } : {}),
      ...(error === undefined ? {} : { error }),
    };
  }
  return message;
}

/** The sources to list under an answer: the cited ones when known, then the other retrieved ones. */
export function splitCitedSources(
  sources: Source[],
  answer: AnswerData | undefined,
): { cited: Source[]; uncited: Source[] } {
  if (answer === undefined || answer.cited.length === 0) return { cited: sources, uncited: [] };
  const citedNumbers = new Set(answer.cited);
  return {
    cited: sources.filter((source) => citedNumbers.has(source.n)),
    uncited: sources.filter((source) => !citedNumbers.has(source.n)),
  };
}
