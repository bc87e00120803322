/**
 * Where the widget may keep the visitor's state (`storage` on `<amoiq-chat>`), so a site can run
 * it before the visitor consents to persistent storage:
 *
 * - `persistent` (default): IndexedDB; the visitor and history survive restarts.
 * - `session`: sessionStorage; survives reloads of this tab only.
 * - `memory`: nothing is stored; a reload starts a new anonymous visitor.
 *
 * The mode is an option of the service (`ChatServiceOptions.storage`, passed on to its
 * `ChatStore`). Switching to `persistent` later moves what the other places hold into IndexedDB
 * (`ChatStore.persist()`), so the current chat continues.
 */

export type StorageMode = 'persistent' | 'session' | 'memory';

export const STORAGE_MODES: readonly StorageMode[] = ['persistent', 'session', 'memory'];

/** A small synchronous key-value area standing in for IndexedDB. */
export interface KeyValueArea {
  get(key: string): unknown;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  keys(): string[];
}

/**
 * The `memory` storage itself (like IndexedDB, it outlives a service: a restart after an identity
 * change finds the chat again): one map per database name, gone with the page.
 */
const memory = new Map<string, Map<string, unknown>>();

/** Process memory, one map per database name: gone with the page. */
export function memoryArea(dbName: string): KeyValueArea {
  let map = memory.get(dbName);
  if (!map) memory.set(dbName, (map = new Map()));
  const m = map;
  return {
    get: (key) => structuredClone(m.get(key)),
    set: (key, value) => void m.set(key, structuredClone(value)),
    delete: (key) => void m.delete(key),
    keys: () => [...m.keys()],
  };
}

/** sessionStorage as JSON under `amoiq:<dbName>:`; falls back to memory where it is unavailable. */
export function sessionArea(dbName: string): KeyValueArea {
  let storage: Storage;
  try {
    storage = globalThis.sessionStorage;
    storage.getItem('amoiq:probe'); // throws where storage is blocked
  } catch {
    return memoryArea(`session:${dbName}`);
  }
  const ns = `amoiq:${dbName}:`;
  return {
    get: (key) => {
      const raw = storage.getItem(ns + key);
      return raw === null ? undefined : JSON.parse(raw);
    },
    set: (key, value) => storage.setItem(ns + key, JSON.stringify(value)),
    delete: (key) => storage.removeItem(ns + key),
    keys: () => {
      const found: string[] = [];
      for (let i = 0; i < storage.length; i++) {
        const k = storage.key(i);
        if (k?.startsWith(ns)) found.push(k.slice(ns.length));
      }
      return found;
    },
  };
}
