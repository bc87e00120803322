import type { Agent, Login } from './types.js';

/** The agent's session as the console keeps it: the token, when it expires, who it is. */
export interface StoredSession {
  token: string;
  expiresAt: string;
  agent: Agent;
}

/** The key the session is stored under, in both storages. */
export const SESSION_KEY = 'amoiq-agent-session';

/**
 * Where the agent console keeps its session (docs/security.md, "Agent console: staying logged
 * in"): "stay logged in" puts it in `localStorage`, so closing the tab or opening a new one keeps
 * the agent logged in until the token expires (8 hours) or the agent logs out; otherwise it stays
 * in this tab's `sessionStorage`, as before. Plain TypeScript: the storages and the clock are
 * parameters, so it is tested without the console.
 */
export class SessionStore {
  constructor(
    private readonly persistent: Storage = localStorage,
    private readonly tab: Storage = sessionStorage,
    private readonly now: () => number = Date.now,
  ) {}

  /** This tab's session first, then the persistent one; an expired or malformed one is removed. */
  read(): StoredSession | null {
    for (const storage of [this.tab, this.persistent]) {
      const session = parse(storage.getItem(SESSION_KEY));
      if (session && Date.parse(session.expiresAt) > this.now()) return session;
      if (session) storage.removeItem(SESSION_KEY);
    }
    return null;
  }

  /** Keeps a new login: in the persistent storage when `stay`, else only for this tab. */
  write(login: Login, stay: boolean): StoredSession {
    const session: StoredSession = { token: login.token, expiresAt: login.expiresAt, agent: login.agent };
    this.clear();
    (stay ? this.persistent : this.tab).setItem(SESSION_KEY, JSON.stringify(session));
    return session;
  }

  /** Forgets the session in both storages (logout, or the server refused the token). */
  clear(): void {
    this.tab.removeItem(SESSION_KEY);
    this.persistent.removeItem(SESSION_KEY);
  }

  /**
   * Calls `onChange` when another tab logs out or in (a `storage` event for the persistent
   * session); returns the way to stop listening.
   */
  watch(
    onChange: (session: StoredSession | null) => void,
    target: Pick<Window, 'addEventListener' | 'removeEventListener'> = window,
  ): () => void {
    const listener = (event: StorageEvent) => {
      if (event.storageArea !== this.persistent || (event.key !== SESSION_KEY && event.key !== null)) return;
      onChange(this.read());
    };
    target.addEventListener('storage', listener as EventListener);
    return () => target.removeEventListener('storage', listener as EventListener);
  }
}

function parse(raw: string | null): StoredSession | null {
  try {
    const value = JSON.parse(raw ?? 'null') as Partial<StoredSession> | null;
    return value &&
      typeof value.token === 'string' &&
      typeof value.expiresAt === 'string' &&
      value.agent &&
      typeof value.agent.id === 'string'
      ? (value as StoredSession)
      : null;
  } catch {
    return null;
  }
}
