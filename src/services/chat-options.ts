import { nanoid } from 'nanoid';
import type { Clock } from './clock.js';
import type { VisitorIdentity } from './identity.js';
import type { StorageMode } from './storage-mode.js';
import { ChatStore } from './store.js';
import type { TabSyncDeps } from './tab-sync.js';
import type { TransportOptions } from './transport-types.js';
import type { WebSocketFactory } from './ws-channel.js';

/** Where the service connects, as whom, and what it may use. Dependencies are injectable for tests. */
export interface ChatServiceOptions {
  gatewayUrl: string;
  apiKey?: string;
  tenantId?: string;
  /** IndexedDB database name; tests use a unique one. */
  dbName?: string;
  /**
   * Where the visitor's state is kept (storage-mode.ts): `persistent` (IndexedDB, default),
   * `session` or `memory`. `ChatService.setStorage()` changes it while running.
   */
  storage?: StorageMode;
  /** The logged-in user the page vouches for (docs/security.md), already checked with `identityProblem()`; anonymous without. */
  identity?: VisitorIdentity;
  fetch?: typeof fetch;
  /** Used for uploads (progress and abort); injectable for tests. */
  XMLHttpRequest?: typeof XMLHttpRequest;
  WebSocket?: WebSocketFactory;
  clock?: Clock;
  /** Web Locks and BroadcastChannel for sharing one connection between tabs; `false` turns it off. */
  tabs?: TabSyncDeps | false;
  transport?: Partial<
    Pick<TransportOptions, 'backoff' | 'heartbeatMs' | 'connectTimeoutMs' | 'ackTimeoutMs' | 'probeMs' | 'pollWaitSeconds'>
  >;
  /**
   * Send the coarse browser fingerprint (services/fingerprint.ts) with the session request of a
   * visitor id created because storage was empty, so the server can relink a visitor whose storage
   * was cleared (docs/security.md). Never sent with a user identity. Off by default.
   */
  fingerprint?: boolean;
  /**
   * The widget's language (a BCP 47 tag), read at each session request and sent as the visitor
   * context's `locale`: the server writes its own texts (the assistant's notices, handoff texts,
   * the transcript) in the language the widget shows, not the browser's. Without it, the browser's.
   */
  language?: () => string | undefined;
  /** Computes the fingerprint; defaults to `coarseFingerprint()` of fingerprint.ts, imported only then (tests inject one). */
  fingerprintFn?: () => Promise<string | undefined>;
}

/** The store of a tenant as the options name it (the service's, and `clearVisitor()`'s). */
export function storeOf(options: Pick<ChatServiceOptions, 'apiKey' | 'tenantId' | 'dbName' | 'storage'>): {
  store: ChatStore;
  tenantKey: string;
} {
  const tenantKey = options.tenantId || options.apiKey || 'default';
  return { store: new ChatStore(tenantKey, options.dbName, options.storage), tenantKey };
}

/**
 * Forgets the visitor on this device: deletes what the tenant keeps (IndexedDB, sessionStorage,
 * memory) and stores a fresh visitor id, made here rather than by an empty store so that it is
 * never fingerprinted (a reset visitor must not be relinked to anyone, docs/security.md). Stop
 * the tenant's service first.
 */
export async function clearVisitor(options: Pick<ChatServiceOptions, 'apiKey' | 'tenantId' | 'dbName' | 'storage'>): Promise<void> {
  const { store } = storeOf(options);
  await store.clear();
  await store.setVisitorId(nanoid());
}
