import { nanoid } from 'nanoid';
import type { ChatApi } from './api.js';
import { systemClock, type Clock } from './clock.js';
import { sessionUser, type VisitorIdentity } from './identity.js';
import type { ChatStore } from './store.js';
import { ApiError, type MessagePage, type SessionInfo } from '../protocol/v1.js';

/** Gives a valid session token, renewing it when asked. */
export interface SessionSource {
  get(): Promise<SessionInfo>;
  /** Drops the current token (expired or refused) so the next get() asks for a new one. */
  invalidate(): void;
}

/**
 * Runs `call` with a session; when the server refuses the token (`401 token_expired` or
 * `invalid_token`), renews it and runs `call` once more. The one place that rule is written:
 * every HTTP call of the chat goes through it.
 *
 * @example
 * const page = await withSession(session, (s) => api.listMessages(s.token, { conversationId: s.conversationId }));
 */
export async function withSession<T>(source: SessionSource, call: (session: SessionInfo) => Promise<T>): Promise<T> {
  try {
    return await call(await source.get());
  } catch (err) {
    if (!(err instanceof ApiError && err.isAuth)) throw err;
    source.invalidate();
    return call(await source.get());
  }
}

/** What {@link SessionManager} works with. */
export interface SessionManagerOptions {
  api: ChatApi;
  store: ChatStore;
  /**
   * Called with every new session the server answered, and the newest page of its conversation
   * when it came with it (asked for by {@link history}).
   */
  onSession?: (session: SessionInfo, history?: MessagePage) => void;
  /**
   * How many of the newest messages to ask for with the next session request (docs/protocol.md,
   * "The newest page with the session"), or undefined for none: asked when the request leaves.
   */
  history?: () => number | undefined;
  clock?: Clock;
  /** The opt-in coarse fingerprint (services/fingerprint.ts); absent unless the site enabled it. */
  fingerprint?: () => Promise<string | undefined>;
  /** The verified user the page identified, if any; sessions of anyone else are renewed. */
  identity?: VisitorIdentity;
}

/** Renew a token this long before it expires, so a request never leaves with a dead one. */
const RENEW_MARGIN_MS = 60_000;

/**
 * Owns the visitor's identity and session token: the visitor id is created once (nanoid) and kept
 * in the store; the token is fetched with `POST /api/chat/session`, cached, persisted and renewed
 * before it expires, when the server refuses it, or when it belongs to another user than the one
 * the page identified (`identity`). Concurrent callers share one request.
 */
export class SessionManager implements SessionSource {
  private current?: SessionInfo;
  private pending?: Promise<SessionInfo>;
  /** A visitor id created because storage was empty, until its first session succeeds. */
  private fresh?: string;
  private readonly api: ChatApi;
  private readonly store: ChatStore;
  private readonly clock: Clock;
  private readonly identity?: VisitorIdentity;
  /** The server refused this embed (`ApiError.isRefused`): every later get() fails at once, without a request. */
  private refused?: ApiError;

  constructor(private readonly options: SessionManagerOptions) {
    this.api = options.api;
    this.store = options.store;
    this.clock = options.clock ?? systemClock;
    this.identity = options.identity;
  }

  /** Runs `call` with a session, renewing a refused token once (see {@link withSession}). */
  withSession<T>(call: (session: SessionInfo) => Promise<T>): Promise<T> {
    return withSession(this, call);
  }

  /**
   * The last known session, possibly expired: enough to show cached history before connecting.
   * A session of another user than the page now identifies (or of a user, when the page is
   * anonymous) is not shown: its history is not this visitor's.
   */
  async restore(): Promise<SessionInfo | undefined> {
    this.current ??= await this.store.getSession();
    return sessionUser(this.current)?.id === this.identity?.userId ? this.current : undefined;
  }

  /** Reads the stored session again: another tab (the leader) may have replaced it. */
  async reload(): Promise<SessionInfo | undefined> {
    this.current = (await this.store.getSession()) ?? this.current;
    return this.restore();
  }

  /**
   * A session with a token that is valid for at least another minute, opened as the visitor the
   * page says (anonymous, or the user of `identify()`): a session of anyone else is renewed.
   */
  get(): Promise<SessionInfo> {
    if (this.refused) return Promise.reject(this.refused);
    const s = this.current;
    const fresh = s?.token && Date.parse(s.expiresAt) - RENEW_MARGIN_MS > this.clock.now();
    if (fresh && sessionUser(s)?.id === this.identity?.userId) return Promise.resolve(s);
    return (this.pending ??= this.renew().finally(() => (this.pending = undefined)));
  }

  /**
   * Asks the server for an open conversation (`newConversation: true`): the visitor's newest if
   * it is open, else a new one. Used after an agent closed the conversation.
   */
  startNew(): Promise<SessionInfo> {
    const previous = this.pending ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => this.renew(true));
    const tracked: Promise<SessionInfo> = next.finally(() => {
      if (this.pending === tracked) this.pending = undefined;
    });
    this.pending = tracked;
    return next;
  }

  /**
   * Asks the server to forget what it keeps to relink this visitor (`POST /api/chat/forget`).
   * Resolves, never rejects, after at most `timeoutMs`; does nothing without a stored visitor.
   */
  async forget(timeoutMs: number): Promise<void> {
    const abort = new AbortController();
    const timer = this.clock.setTimeout(() => abort.abort(), timeoutMs);
    const timeout = new Promise<void>((resolve) => abort.signal.addEventListener('abort', () => resolve()));
    const call = (async () => {
      if (!(await this.store.getVisitorId())) return;
      const session = await this.get();
      if (!abort.signal.aborted) await this.api.forget(session.token, abort.signal);
    })().catch(() => undefined);
    try {
      await Promise.race([call, timeout]);
    } finally {
      this.clock.clearTimeout(timer);
    }
  }

  invalidate(): void {
    if (this.current) this.current = { ...this.current, token: '' };
  }

  private async renew(newConversation = false): Promise<SessionInfo> {
    const known = this.current?.visitorId ?? (await this.store.getVisitorId());
    const visitorId = known ?? nanoid();
    // Storage was empty: this id was made just now (reset() stores its new id itself, so it never
    // lands here). Kept until the server answered, so a retry still counts as a fresh visitor.
    if (!known) {
      this.fresh = visitorId;
      await this.store.setVisitorId(visitorId);
    }
    // A verified user gets the user's conversation (the anonymous one is attached on first identify).
    const identity = this.identity;
    const fingerprint = this.fresh === visitorId && !identity ? await this.options.fingerprint?.().catch(() => undefined) : undefined;
    if (this.refused) throw this.refused;
    const lifecycle = { ...(newConversation ? { newConversation } : {}), history: this.options.history?.() };
    // The page travels beside the session, never with it: the session is stored and read back.
    const { history, ...session } = await this.api
      .createSession(visitorId, identity, undefined, lifecycle, fingerprint)
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.isRefused) this.refused = err;
        throw err;
      });
    this.fresh = undefined;
    // The server may answer with another id: the visitor it relinked by fingerprint. Adopt it.
    if (session.visitorId !== visitorId) await this.store.setVisitorId(session.visitorId);
    // Written, not waited for: the first page and the connection need the session, not the disk
    // (IndexedDB serves later reads of the store after this write, so other tabs read it).
    void this.store.setSession(session).catch(() => undefined);
    this.current = session;
    this.options.onSession?.(session, history);
    return session;
  }
}
