import { createStore, del, get, set, update, type UseStore } from 'idb-keyval';
import type { SessionInfo, WireMessage } from '../protocol/v1.js';

/** A visitor message written locally before any network call, kept until the server stores it. */
export interface OutboxEntry {
  clientId: string;
  text: string;
  createdAt: string;
  /** Send attempts so far. */
  attempts: number;
}

/** Database name used by default; one object store inside it holds every tenant's keys. */
export const DEFAULT_DB_NAME = 'amoiq-chat';

/** How many messages of a conversation are cached locally for an instant first paint. */
export const CACHE_LIMIT = 200;

const stores = new Map<string, UseStore>();

function storeFor(dbName: string): UseStore {
  let store = stores.get(dbName);
  if (!store) {
    store = createStore(dbName, 'state');
    stores.set(dbName, store);
  }
  return store;
}

/**
 * The widget's persistent state in IndexedDB (idb-keyval, in the library's own database so the
 * host page's storage is never touched): visitor identity, session, conversation cache and
 * unsent messages. Every key is prefixed by the tenant, so two widgets of different tenants on
 * one page never see each other's data.
 */
export class ChatStore {
  private readonly store: UseStore;
  private readonly prefix: string;

  constructor(tenantKey: string, dbName = DEFAULT_DB_NAME) {
    this.store = storeFor(dbName);
    this.prefix = `${tenantKey}:`;
  }

  getVisitorId(): Promise<string | undefined> {
    return this.read<string>('visitor');
  }

  setVisitorId(id: string): Promise<void> {
    return this.write('visitor', id);
  }

  getSession(): Promise<SessionInfo | undefined> {
    return this.read<SessionInfo>('session');
  }

  setSession(session: SessionInfo | undefined): Promise<void> {
    return session ? this.write('session', session) : this.remove('session');
  }

  /** The cached messages of a conversation, oldest first. */
  async getMessages(conversationId: string): Promise<WireMessage[]> {
    return (await this.read<WireMessage[]>(`messages:${conversationId}`)) ?? [];
  }

  /** Replaces the cache with the newest {@link CACHE_LIMIT} of the given messages. */
  setMessages(conversationId: string, messages: readonly WireMessage[]): Promise<void> {
    return this.write(`messages:${conversationId}`, messages.slice(-CACHE_LIMIT));
  }

  getOutbox(conversationId: string): Promise<OutboxEntry[]> {
    return this.read<OutboxEntry[]>(`outbox:${conversationId}`).then((v) => v ?? []);
  }

  setOutbox(conversationId: string, entries: readonly OutboxEntry[]): Promise<void> {
    return entries.length ? this.write(`outbox:${conversationId}`, entries) : this.remove(`outbox:${conversationId}`);
  }

  /**
   * Changes the outbox in one IndexedDB transaction, so tabs adding and removing entries at the
   * same time never overwrite each other. Resolves with the new list.
   */
  async updateOutbox(conversationId: string, change: (entries: OutboxEntry[]) => OutboxEntry[]): Promise<OutboxEntry[]> {
    let result: OutboxEntry[] = [];
    await update<OutboxEntry[]>(
      this.prefix + `outbox:${conversationId}`,
      (entries) => (result = change(entries ?? [])),
      this.store,
    );
    return result;
  }

  private read<T>(key: string): Promise<T | undefined> {
    return get<T>(this.prefix + key, this.store);
  }

  private write(key: string, value: unknown): Promise<void> {
    return set(this.prefix + key, value, this.store);
  }

  private remove(key: string): Promise<void> {
    return del(this.prefix + key, this.store);
  }
}
