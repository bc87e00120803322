import { createStore, del, delMany, get, keys, set, update, type UseStore } from 'idb-keyval';
import type { Attachment, Contact, SessionInfo, WireMessage } from '../protocol/v1.js';
import { memoryArea, sessionArea, type KeyValueArea, type StorageMode } from './storage-mode.js';

/** A visitor message written locally before any network call, kept until the server stores it. */
export interface OutboxEntry {
  clientId: string;
  text: string;
  createdAt: string;
  /** Send attempts so far. */
  attempts: number;
  /** Files already uploaded to the conversation, sent with the text. */
  attachments?: Attachment[];
}

/** What the visitor said about one assistant answer, as last sent (`POST /api/chat/feedback`). */
export interface FeedbackRecord {
  helpful: boolean;
  comment?: string;
}

/** Contact details the visitor submitted for a conversation (kept so the form is not shown again). */
export type ContactRecord = Contact;

/** Database name used by default; one object store inside it holds every tenant's keys. */
export const DEFAULT_DB_NAME = 'amoiq-chat';

/** How many messages of a conversation are cached locally for an instant first paint. */
export const CACHE_LIMIT = 200;

const stores = new Map<string, UseStore>();

/**
 * False where there is no IndexedDB (jsdom in an app's tests, Lit SSR): `persistent` then keeps
 * the state in memory, as `memory` does, instead of failing every read.
 */
const hasIndexedDB = (): boolean => typeof indexedDB !== 'undefined';

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
 * host page's storage is never touched): visitor identity, session, conversation cache,
 * unsent messages, contact details and the feedback given on the assistant's answers. Every key is prefixed by the tenant, so two widgets of different tenants on
 * one page never see each other's data.
 */
export class ChatStore {
  private readonly store: UseStore;
  private readonly prefix: string;
  private readonly dbName: string;
  private storageMode: StorageMode;

  /** `mode` says where the state is kept (storage-mode.ts); {@link setMode} changes it later. */
  constructor(tenantKey: string, dbName = DEFAULT_DB_NAME, mode: StorageMode = 'persistent') {
    this.store = storeFor(dbName);
    this.prefix = `${tenantKey}:`;
    this.dbName = dbName;
    this.storageMode = mode;
  }

  /** Where the state is kept now. */
  get mode(): StorageMode {
    return this.storageMode;
  }

  /**
   * Keeps the state in another place from now on. Switching to `persistent` moves what
   * sessionStorage or memory holds into IndexedDB ({@link persist}), so the current chat continues.
   */
  async setMode(mode: StorageMode): Promise<void> {
    const before = this.storageMode;
    this.storageMode = mode;
    if (mode === 'persistent' && before !== 'persistent') await this.persist();
  }

  /**
   * Deletes everything this tenant keeps, wherever it is (IndexedDB, sessionStorage, memory):
   * visitor id, session, cached history and unsent messages (`reset()`: the next visitor on a
   * shared computer starts from nothing).
   */
  async clear(): Promise<void> {
    for (const area of [memoryArea(this.dbName), sessionArea(this.dbName)]) {
      for (const k of area.keys()) if (k.startsWith(this.prefix)) area.delete(k);
    }
    if (!hasIndexedDB()) return;
    const all = await keys(this.store);
    await delMany(
      all.filter((k) => typeof k === 'string' && k.startsWith(this.prefix)),
      this.store,
    );
  }

  /**
   * Moves what this tenant keeps in sessionStorage or memory into IndexedDB (the visitor consented
   * to persistent storage), so the current chat continues. Keys IndexedDB already holds win: they
   * were written after the switch.
   */
  async persist(): Promise<void> {
    if (!hasIndexedDB()) return; // memory stands in for IndexedDB (area()): nothing to move
    for (const area of [memoryArea(this.dbName), sessionArea(this.dbName)]) {
      for (const k of area.keys()) {
        if (!k.startsWith(this.prefix)) continue;
        const value = area.get(k);
        area.delete(k);
        await update(k, (current) => current ?? value, this.store);
      }
    }
  }

  /** The non-IndexedDB area the current storage mode uses (memory where there is no IndexedDB), or undefined for IndexedDB. */
  private area(): KeyValueArea | undefined {
    const mode = this.storageMode;
    if (mode === 'persistent') return hasIndexedDB() ? undefined : memoryArea(this.dbName);
    return mode === 'session' ? sessionArea(this.dbName) : memoryArea(this.dbName);
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

  /** What the visitor gave in the pre-chat form or the away e-mail field for a conversation. */
  getContact(conversationId: string): Promise<ContactRecord | undefined> {
    return this.read<ContactRecord>(`contact:${conversationId}`);
  }

  setContact(conversationId: string, contact: ContactRecord): Promise<void> {
    return this.write(`contact:${conversationId}`, contact);
  }

  /** The feedback the visitor sent on the assistant's answers of a conversation, by message id. */
  async getFeedback(conversationId: string): Promise<Record<string, FeedbackRecord>> {
    return (await this.read<Record<string, FeedbackRecord>>(`feedback:${conversationId}`)) ?? {};
  }

  /**
   * Keeps the feedback sent on one answer (replacing any earlier one, as the server does), in one
   * transaction: two tabs giving feedback at once keep both. Resolves with the conversation's.
   */
  async setFeedback(conversationId: string, messageId: string, feedback: FeedbackRecord): Promise<Record<string, FeedbackRecord>> {
    const key = this.prefix + `feedback:${conversationId}`;
    const change = (all: Record<string, FeedbackRecord> | undefined) => ({ ...all, [messageId]: feedback });
    const area = this.area();
    if (area) {
      const next = change(area.get(key) as Record<string, FeedbackRecord> | undefined);
      area.set(key, next);
      return next;
    }
    let next: Record<string, FeedbackRecord> = {};
    await update<Record<string, FeedbackRecord>>(key, (all) => (next = change(all)), this.store);
    return next;
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
    const area = this.area();
    if (area) {
      // Synchronous read-change-write: nothing can interleave.
      const key = this.prefix + `outbox:${conversationId}`;
      result = change((area.get(key) as OutboxEntry[] | undefined) ?? []);
      area.set(key, result);
      return result;
    }
    await update<OutboxEntry[]>(this.prefix + `outbox:${conversationId}`, (entries) => (result = change(entries ?? [])), this.store);
    return result;
  }

  private async read<T>(key: string): Promise<T | undefined> {
    const area = this.area();
    return area ? (area.get(this.prefix + key) as T | undefined) : get<T>(this.prefix + key, this.store);
  }

  private async write(key: string, value: unknown): Promise<void> {
    const area = this.area();
    return area ? area.set(this.prefix + key, value) : set(this.prefix + key, value, this.store);
  }

  private async remove(key: string): Promise<void> {
    const area = this.area();
    return area ? area.delete(this.prefix + key) : del(this.prefix + key, this.store);
  }
}
