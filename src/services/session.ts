import { nanoid } from 'nanoid';
import type { ChatApi } from './api.js';
import { systemClock, type Clock } from './clock.js';
import { identityFor, sessionUser } from './identity.js';
import type { ChatStore } from './store.js';
import type { SessionInfo } from '../protocol/v1.js';
import type { SessionSource } from './transport.js';

/** Renew a token this long before it expires, so a request never leaves with a dead one. */
const RENEW_MARGIN_MS = 60_000;

/**
 * Owns the visitor's identity and session token: the visitor id is created once (nanoid) and kept
 * in the store; the token is fetched with `POST /api/chat/session`, cached, persisted and renewed
 * before it expires, when the server refuses it, or when the page identifies another user
 * (services/identity.ts). Concurrent callers share one request.
 */
export class SessionManager implements SessionSource {
  private current?: SessionInfo;
  private pending?: Promise<SessionInfo>;

  constructor(
    private readonly api: ChatApi,
    private readonly store: ChatStore,
    private readonly onSession: (session: SessionInfo) => void,
    private readonly clock: Clock = systemClock,
  ) {}

  /**
   * The last known session, possibly expired: enough to show cached history before connecting.
   * A session of another user than the page now identifies (or of a user, when the page is
   * anonymous) is not shown: its history is not this visitor's.
   */
  async restore(): Promise<SessionInfo | undefined> {
    this.current ??= await this.store.getSession();
    return sessionUser(this.current)?.id === identityFor(this.store.identityKey)?.userId ? this.current : undefined;
  }

  /**
   * A session with a token that is valid for at least another minute, opened as the visitor the
   * page says (anonymous, or the user of `identify()`): a session of anyone else is renewed.
   */
  get(): Promise<SessionInfo> {
    const s = this.current;
    const fresh = s?.token && Date.parse(s.expiresAt) - RENEW_MARGIN_MS > this.clock.now();
    if (fresh && sessionUser(s)?.id === identityFor(this.store.identityKey)?.userId) return Promise.resolve(s);
    return (this.pending ??= this.renew().finally(() => (this.pending = undefined)));
  }

  invalidate(): void {
    if (this.current) this.current = { ...this.current, token: '' };
  }

  private async renew(): Promise<SessionInfo> {
    const visitorId = this.current?.visitorId ?? (await this.store.getVisitorId()) ?? nanoid();
    await this.store.setVisitorId(visitorId);
    // A verified user gets the user's conversation (the anonymous one is attached on first identify).
    const identity = identityFor(this.store.identityKey);
    const session = await this.api.createSession(visitorId, identity);
    if (session.visitorId !== visitorId) await this.store.setVisitorId(session.visitorId);
    await this.store.setSession(session);
    this.current = session;
    this.onSession(session);
    return session;
  }
}
