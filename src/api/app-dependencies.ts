import type { Catalog, UserRecord } from '../core/ports/catalog.ts';
import type { LanguageRuntime } from '../core/ports/language-runtime.ts';
import type { Logger } from '../core/ports/logger.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { KnowledgeSearchRequest, KnowledgeSearchResult } from '../knowledge/search-knowledge.ts';
import type { ModelList } from '../models/list-models.ts';
import type { SyncController } from './sync-controller.ts';

/** A language model, or why there is none (an in-process model that cannot be obtained here). */
export type ModelLease = { runtime: LanguageRuntime } | { runtime: undefined; reason: string };

/** How the app reaches language models; the composition root keeps them open between requests. */
export interface ModelAccess {
  /** The model named by `reference` (an entry name or `provider:model`), or the default one. */
  open(reference?: string): Promise<ModelLease>;
  /** Configured and discovered models, with reachability. */
  list(): Promise<ModelList>;
}

/** How the app reaches the knowledge base. */
export interface KnowledgeAccess {
  search(request: KnowledgeSearchRequest): Promise<KnowledgeSearchResult>;
  /** Names of the indexed sources that are not synced repositories (ingested folders, crawled sites). */
  sources(): Promise<string[]>;
  /** Throws when the index cannot be read (for `/readyz`). */
  check(): Promise<void>;
}

/** Limits and switches of the HTTP layer. */
export interface AppSettings {
  /** Largest request body accepted (413 beyond it). */
  maxBodyBytes: number;
  /** Largest stored file `/api/sources` returns. */
  maxSourceBytes: number;
  sessionTtlMs: number;
  /** `Secure` cookies: always, never, or when the request came over HTTPS (`auto`). */
  secureCookies: 'auto' | boolean;
  /** Origins, besides the server's own, allowed to make cookie-authenticated changes. */
  trustedOrigins: string[];
  /**
   * `Host` values the server answers to (DNS-rebinding defence on loopback); absent or empty: any. May be
   * filled in after the server started listening (the port is known only then).
   */
  allowedHosts?: string[];
  /**
   * Reverse proxies in front of the server that append to `X-Forwarded-For` (0: none, the header is
   * ignored). Used to tell clients apart for the sign-in rate limit.
   */
  trustedProxies?: number;
  /** Failed logins allowed per client address and user name in `loginWindowMs`. */
  loginAttempts: number;
  loginWindowMs: number;
  /** Earlier messages sent with a chat question. */
  historyTurns: number;
  /** Passages retrieved before packing. */
  retrievalK: number;
}

/**
 * Everything `createApp` works with. The app never reads configuration or the environment: the
 * composition roots (`server.ts` for Node, `lambda.ts` for AWS Lambda) pick the adapters.
 */
export interface AppDependencies {
  catalog: Catalog;
  store: ObjectStore;
  knowledge: KnowledgeAccess;
  models: ModelAccess;
  sync: SyncController;
  logger: Logger;
  clock: () => Date;
  newId: () => string;
  settings: AppSettings;
  /** Quarry's version, for the OpenAPI document. */
  version: string;
  /** Serves the web app's files (Node only); `undefined` when the app is not served by this process. */
  webApp?: (path: string) => Promise<Response | undefined>;
}

/** The signed-in account a request acts as, and how it proved it. */
export interface RequestIdentity {
  user: Pick<UserRecord, 'id' | 'role'>;
  via: 'session' | 'api-key';
  /** Id of the API key or hash of the session token. */
  credentialId: string;
}

/** Hono environment of the app: what middleware puts on the context. */
export interface AppEnvironment {
  Variables: {
    identity: RequestIdentity;
    dependencies: AppDependencies;
  };
}
