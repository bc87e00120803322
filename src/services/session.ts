import { nanoid } from 'nanoid';
import type { ChatApi } from './api.js';
import { systemClock, type Clock } from './clock.js';
import type { ChatStore } from './store.js';
import type { SessionInfo } from '../protocol/v1.js';
import type { SessionSource } from './transport.js';

/** Renew a token this long before it expires, so a request never leaves with a dead one. */
const RENEW_MARGIN_MS = 60_000;

/**
 * Owns the visitor's identity and session token: the visitor id is created once (nanoid) and kept
 * in the store; the token is fetched with `POST /api/chat/session`, cached, persisted and renewed
 * before it expires or when the server refuses it. Concurrent callers share one request.
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

  /** The last known session, possibly expired: enough to show cached history before connecting. */
  async restore(): Promise<SessionInfo | undefined> {
    this.current ??= await this.store.getSession();
    return this.current;
  }

  /** A session with a token that is valid for at least another minute. */
  get(): Promise<SessionInfo> {
    const s = this.current;
    if (s?.token && Date.parse(s.expiresAt) - RENEW_MARGIN_MS > this.clock.now()) return Promise.resolve(s);
    return (this.pending ??= this.renew().finally(() => (this.pending = undefined)));
  }

  invalidate(): void {
    if (this.current) this.current = { ...this.current, token: '' };
  }

  private async renew(): Promise<SessionInfo> {
    const visitorId = this.current?.visitorId ?? (await this.store.getVisitorId()) ?? nanoid();
    await this.store.setVisitorId(visitorId);
    const session = await this.api.createSession(visitorId);
    if (session.visitorId !== visitorId) await this.store.setVisitorId(session.visitorId);
    await this.store.setSession(session);
    this.current = session;
    this.onSession(session);
    return session;
  }
}
