import type { UIMessage } from 'ai';

/** The signed-in user, as `GET /api/auth/me` and `POST /api/auth/login` return it. */
export interface User {
  id: string;
  role: string;
}

/** One retrieved passage an answer may cite (file and line range, or URL and heading). */
export interface Source {
  n: number;
  citation: string;
  repo: string | null;
  version: string;
  path: string;
  startLine: number;
  endLine: number;
  url: string | null;
  heading: string | null;
  /** Object-store key for the source viewer; null (or missing on stored messages) when not stored. */
  key?: string | null;
  /** Passage text; sent with X-ray passages and sometimes with sources. */
  text?: string;
}

/** Payload of the `data-answer` part, sent when the answer is complete. */
export interface AnswerData {
  conversationId: string;
  model: string | null;
  cited: number[];
  removedCitations: number;
  unsupported: boolean;
  retrievalOnly: string | null;
}

/** One prompt message shown in the X-ray panel. */
export interface PromptMessage {
  role: string;
  content: string;
}

/** Payload of the `data-xray` part: what the assistant retrieved and sent to the model. */
export interface XrayData {
  standaloneQuestion: string;
  prompt: PromptMessage[];
  passages: Source[];
}

/** The custom data parts of Quarry's chat stream, keyed by name without the `data-` prefix. */
export type ChatDataParts = {
  sources: { sources: Source[] };
  answer: AnswerData;
  xray: XrayData;
  /** Sent first (transient): the conversation the answer belongs to, known even when the answer fails. */
  conversation: { conversationId: string };
};

/** Metadata of stored assistant messages loaded from a conversation. */
export interface ChatMessageMetadata {
  citations?: Source[];
  /** Why a stored answer failed (the server keeps the question with the error). */
  error?: string;
}

/** A chat message as `useChat` holds it. */
export type ChatMessage = UIMessage<ChatMessageMetadata, ChatDataParts>;

/** One entry of `GET /api/models`. */
export interface ModelInfo {
  name: string;
  provider: string;
  model: string;
  reachable: boolean | null;
  reason: string | null;
}

/** Body of `GET /api/models`. */
export interface ModelsResponse {
  default: string;
  models: ModelInfo[];
}

/** Outcome of the last check of a repository. */
export type RepositoryStatus = 'updated' | 'unchanged' | 'no-release' | 'failed' | null;

/** An account, as `GET /api/users` lists it (admins only). */
export interface Account {
  id: string;
  role: string;
  createdAt: string;
}

/** An API key's record (never its secret), as `GET /api/keys` lists it. */
export interface ApiKey {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** Body of a successful `POST /api/keys`: the key itself, shown only this once, and its record. */
export interface CreatedApiKey {
  key: string;
  record: ApiKey;
}

/** A watched GitHub repository, as `GET /api/repos` lists it. */
export interface Repository {
  id: string;
  enabled: boolean;
  track: 'releases' | 'tags';
  asset: string | null;
  version: string | null;
  modified: string | null;
  lastCheckedAt: string | null;
  status: RepositoryStatus;
  error: string | null;
  files: number;
  bytes: number;
  etag: string;
}

/** A conversation in the sidebar list. */
export interface ConversationSummary {
  id: string;
  title: string;
  createdAt: string;
  updatedAt: string;
  messageCount: number;
}

/** One stored message of a conversation. */
export interface StoredMessage {
  seq: number;
  role: 'user' | 'assistant';
  content: string;
  metadata: unknown;
  createdAt: string;
}

/** Body of `GET /api/conversations/:id`. */
export interface ConversationResponse {
  conversation: ConversationSummary;
  messages: StoredMessage[];
}

/** One hit of `GET /api/search`: a passage's location (no number: it is not cited), score and snippet. */
export type SearchHit = Omit<Source, 'n' | 'key' | 'text'> & {
  key: string | null;
  score: number;
  snippet: string;
};

/** Body of `GET /api/search`. */
export interface SearchResponse {
  mode: string;
  hits: SearchHit[];
  warnings: string[];
}

/** Body of a successful `POST /api/code`. */
export interface CodeResult {
  key: string;
  language: string;
  code: string;
  model: string;
  createdAt: string;
  sidecarKey: string;
}

/** Progress of one repository in the running sync. */
export interface ActiveRepositorySync {
  repoId: string;
  phase: string;
  files: number;
  bytes: number;
  downloadedBytes: number;
  totalBytes: number | null;
}

/** A finished (or failed) sync run. */
export interface SyncRun {
  id: string;
  repoId: string;
  startedAt: string;
  finishedAt: string | null;
  status: string;
  tag: string | null;
  files: number;
  bytes: number;
  error: string | null;
}

/** Body of `GET /api/sync/runs`. */
export interface SyncRunsResponse {
  active: null | { startedAt: string; repos: ActiveRepositorySync[] };
  runs: SyncRun[];
}
