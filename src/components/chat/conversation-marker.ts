/**
 * A returning visitor with a conversation gets the chat (and its connection, for the unread
 * badge) at once; anyone else only on interest. Telling them apart must cost nothing at start:
 * opening IndexedDB and reading the store would. So the lazily loaded part writes a one-byte
 * marker beside the store while the visitor has a conversation (chat-runtime.ts) and removes it
 * on `reset()`; `<amoiq-chat>` reads it synchronously when it first renders.
 *
 * The key names what the store is keyed by (database, backend, tenant), so two widgets of
 * different sites on one origin do not see each other's. `storage="session"` keeps it in
 * sessionStorage like the chat itself; `memory` keeps nothing across a load, so no marker.
 */

/** The element's values the marker depends on. */
export interface MarkerSource {
  readonly dbName: string;
  readonly gatewayUrl: string;
  readonly tenantId: string;
  readonly apiKey: string;
  readonly storage: string;
}

const area = (s: MarkerSource): Storage | undefined => {
  try {
    return s.storage === 'memory' ? undefined : s.storage === 'session' ? sessionStorage : localStorage;
  } catch {
    return undefined; // storage disabled (a sandboxed frame, blocked cookies)
  }
};

const key = (s: MarkerSource): string => `amoiq-chat:conversation:${s.dbName}|${s.gatewayUrl || location.origin}|${s.tenantId}|${s.apiKey}`;

/** Whether the marker says this visitor has a conversation. */
export function hasConversation(s: MarkerSource): boolean {
  try {
    return area(s)?.getItem(key(s)) === '1';
  } catch {
    return false;
  }
}

/** Writes (or removes) the marker; a failure to write only costs the visitor the early badge. */
export function markConversation(s: MarkerSource, has: boolean): void {
  try {
    const storage = area(s);
    if (has) storage?.setItem(key(s), '1');
    else storage?.removeItem(key(s));
  } catch {
    /* quota or disabled storage */
  }
}
