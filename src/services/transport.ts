import { ApiError, type ChatApi } from './api.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import { systemClock, type Clock } from './clock.js';
import { decodeServerFrame, type ClientFrame, type MessagePage, type Sender, type ServerFrame, type SessionInfo, type WireMessage } from '../protocol/v1.js';

/** Where the connection stands, as shown to visitors and reported to the host page. */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'offline';

/** Which channel carries the chat while online. */
export type TransportKind = 'websocket' | 'http';

/** The part of the WebSocket API the transport uses, so tests can pass a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onclose: ((ev: { code: number; reason: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor: the browser's, or a fake. */
export type WebSocketFactory = new (url: string) => WebSocketLike;

/** Gives the transport a valid session token, renewing it when asked. */
export interface SessionSource {
  get(): Promise<SessionInfo>;
  /** Drops the current token (expired or refused) so the next get() asks for a new one. */
  invalidate(): void;
}

/** What the transport reports to its owner. */
export interface TransportListener {
  message(message: WireMessage): void;
  typing(sender: Sender, typing: boolean): void;
  state(state: ConnectionState, kind: TransportKind | undefined): void;
  /** Something went wrong that the owner may report; `error` is the cause when there is one. */
  warning(text: string, error?: unknown): void;
  /** Conversation status, agent presence or a read mark changed (frames, or a long-poll page). */
  lifecycle?(change: LifecycleChange): void;
}

/** What a `status`, `presence` or `read` frame (or a message page) says about the conversation. */
export type LifecycleChange = Extract<ServerFrame, { type: 'status' | 'presence' | 'read' }> | { type: 'page'; page: MessagePage };

/** Settings of {@link ChatTransport}; every duration is in ms. */
export interface TransportOptions {
  api: ChatApi;
  session: SessionSource;
  /** Highest sequence number held without gaps; replay starts after it. */
  cursor: () => number;
  listener: TransportListener;
  WebSocket?: WebSocketFactory;
  clock?: Clock;
  backoff?: BackoffOptions;
  /** Ping interval; a socket silent for two intervals is treated as dead. Default 25000. */
  heartbeatMs?: number;
  /**
   * How long a WebSocket may take to become ready before it counts as failed (a proxy that
   * swallows the upgrade). Default 2500, so HTTP carries the chat within 3 s.
   */
  connectTimeoutMs?: number;
  /** How long to wait for the ack of a sent message. Default 10000. */
  ackTimeoutMs?: number;
  /** While on HTTP, how often WebSocket is tried again. Default 10000. */
  probeMs?: number;
  /** Long-poll wait in seconds. Default 25. */
  pollWaitSeconds?: number;
}

const OPEN = 1;

const STATUS_OF_CODE: Record<string, number> = {
  bad_request: 400,
  forbidden: 403,
  not_found: 404,
  payload_too_large: 413,
  rate_limited: 429,
  conversation_closed: 409,
};

/**
 * Keeps one live channel to the backend: a WebSocket when it works, HTTP long-poll when it does
 * not, reconnecting with capped exponential backoff. It knows nothing of the DOM; WebSocket,
 * fetch (through {@link ChatApi}) and the clock are injected.
 *
 * Every socket, request and timer it creates is released by {@link ChatTransport.stop}.
 *
 * @example
 * const transport = new ChatTransport({ api, session, cursor: () => lastSeq, listener });
 * transport.start();
 * await transport.send(clientId, 'Hello');
 */
export class ChatTransport {
  /** Current connection state. */
  state: ConnectionState = 'idle';
  /** The channel in use while online. */
  kind: TransportKind | undefined;

  private readonly opts: Required<Omit<TransportOptions, 'backoff' | 'WebSocket'>> & { WebSocket?: WebSocketFactory };
  private readonly backoff: Backoff;
  private readonly timers = new Set<unknown>();
  private readonly acks = new Map<string, { resolve: (m: WireMessage) => void; reject: (e: Error) => void; timer: unknown }>();
  /** Incremented by stop() and by every new connection cycle, so late callbacks of old ones are ignored. */
  private generation = 0;
  private running = false;
  private socket?: WebSocketLike;
  private probe?: WebSocketLike;
  private polling?: AbortController;
  private retryTimer?: unknown;
  private lastFrameAt = 0;

  constructor(options: TransportOptions) {
    this.opts = {
      clock: systemClock,
      heartbeatMs: 25_000,
      connectTimeoutMs: 2_500,
      ackTimeoutMs: 10_000,
      probeMs: 10_000,
      pollWaitSeconds: 25,
      ...options,
      WebSocket: options.WebSocket ?? (globalThis.WebSocket as unknown as WebSocketFactory | undefined),
    };
    this.backoff = new Backoff(options.backoff);
  }

  /** Opens the connection; does nothing if already started. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.connect();
  }

  /** Closes every socket, request and timer; pending sends are rejected. */
  stop(): void {
    this.running = false;
    this.generation++;
    this.closeSocket(this.socket);
    this.closeSocket(this.probe);
    this.socket = this.probe = undefined;
    this.polling?.abort();
    this.polling = undefined;
    for (const t of this.timers) this.opts.clock.clearTimeout(t);
    this.timers.clear();
    this.retryTimer = undefined;
    for (const [, ack] of this.acks) ack.reject(new ApiError(0, 'stopped', 'The chat was closed before the server answered.'));
    this.acks.clear();
    this.setState('idle', undefined);
  }

  /**
   * Skips the backoff wait and tries at once, when there is a reason to believe the network is
   * back (the browser went online, the page became visible, the visitor pressed send).
   */
  reconnectNow(): void {
    if (!this.running || this.state !== 'offline' || this.retryTimer === undefined) return;
    this.clearTimer(this.retryTimer);
    this.retryTimer = undefined;
    void this.connect();
  }

  /**
   * The browser says the network is gone (`offline` event): give up the socket or long poll now
   * instead of waiting for the heartbeat to notice, and show offline. Sends wait in the outbox.
   */
  networkLost(): void {
    if (!this.running || this.state === 'offline') return;
    const socket = this.socket;
    const polling = this.polling;
    this.generation++;
    this.closeSocket(this.probe);
    this.probe = undefined;
    if (socket) this.closeSocket(socket);
    this.socket = undefined;
    polling?.abort();
    this.polling = undefined;
    this.flushAcksToHttp();
    this.scheduleRetry();
  }

  /** Number of timers currently scheduled; used to prove that stop() leaves nothing behind. */
  get pendingTimers(): number {
    return this.timers.size;
  }

  /**
   * Sends a visitor message and resolves with the message as the server stored it. Over
   * WebSocket it waits for the `ack` frame; otherwise it POSTs. Rejects with an
   * {@link ApiError}; `isPermanent` tells whether resending can help. `attachments` are ids of
   * files already uploaded to the conversation.
   */
  async send(clientId: string, text: string, attachments?: string[]): Promise<WireMessage> {
    const files = attachments?.length ? { attachments } : {};
    if (this.socket?.readyState === OPEN && this.kind === 'websocket') {
      const socket = this.socket;
      return new Promise<WireMessage>((resolve, reject) => {
        const timer = this.later(this.opts.ackTimeoutMs, () => {
          this.acks.delete(clientId);
          reject(new ApiError(0, 'timeout', 'The server did not acknowledge the message in time.'));
        });
        this.acks.set(clientId, { resolve, reject, timer });
        this.sendFrame(socket, { type: 'message', clientId, text, ...files });
      });
    }
    return this.withSession((s) => this.opts.api.postMessage(s.token, { conversationId: s.conversationId, clientId, text, ...files }));
  }

  /** Tells the other side whether the visitor is typing; best effort. */
  sendTyping(typing: boolean): void {
    if (this.socket?.readyState === OPEN && this.kind === 'websocket') {
      this.sendFrame(this.socket, { type: 'typing', typing });
    } else if (this.state === 'online') {
      this.withSession((s) => this.opts.api.postTyping(s.token, s.conversationId, typing)).catch(() => undefined);
    }
  }

  /**
   * Reports that the visitor has seen every message up to `seq`: a `read` frame over WebSocket,
   * `POST /api/chat/read` over HTTP. Best effort; rejects when it could not be sent.
   */
  async sendRead(seq: number): Promise<void> {
    if (this.socket?.readyState === OPEN && this.kind === 'websocket') {
      this.sendFrame(this.socket, { type: 'read', seq });
      return;
    }
    if (this.state !== 'online') throw new ApiError(0, 'network', 'Not connected.');
    await this.withSession((s) => this.opts.api.postRead(s.token, s.conversationId, seq));
  }

  /** Asks for every message after `after` again (a gap was seen). */
  requestReplay(after: number): void {
    if (this.socket?.readyState === OPEN) this.sendFrame(this.socket, { type: 'sync', after });
    // Over HTTP the next long poll asks from the cursor anyway.
  }

  private async connect(): Promise<void> {
    const gen = ++this.generation;
    this.setState('connecting', undefined);
    let session: SessionInfo;
    try {
      session = await this.opts.session.get();
    } catch (err) {
      if (gen !== this.generation) return;
      this.opts.listener.warning(`Cannot start a chat session: ${(err as Error).message}`, err);
      this.scheduleRetry();
      return;
    }
    if (gen !== this.generation) return;
    this.openSocket(session, gen, false);
  }

  /** Opens a WebSocket; as a probe it runs beside HTTP polling and takes over once ready. */
  private openSocket(session: SessionInfo, gen: number, isProbe: boolean): void {
    const WS = this.opts.WebSocket;
    if (!WS) {
      if (!isProbe) void this.poll(gen);
      return;
    }
    const url = `${session.wsUrl}?token=${encodeURIComponent(session.token)}&after=${this.opts.cursor()}`;
    let ws: WebSocketLike;
    try {
      ws = new WS(url);
    } catch (err) {
      this.opts.listener.warning(`WebSocket refused: ${(err as Error).message}`);
      if (!isProbe) void this.poll(gen);
      else this.scheduleProbe(gen);
      return;
    }
    if (isProbe) this.probe = ws;
    else this.socket = ws;
    let ready = false;
    const timeout = this.later(this.opts.connectTimeoutMs, () => {
      this.detach(ws);
      ws.close(4000, 'connect timeout');
      failed(4000);
    });
    const failed = (code: number): void => {
      if (gen !== this.generation) return;
      if (code === 4001) this.opts.session.invalidate();
      if (isProbe) {
        this.probe = undefined;
        this.scheduleProbe(gen);
      } else {
        this.socket = undefined;
        void this.poll(gen);
      }
    };
    ws.onmessage = (ev) => {
      if (gen !== this.generation) return;
      this.lastFrameAt = this.opts.clock.now();
      const decoded = decodeServerFrame(ev.data);
      if (!decoded.ok) {
        this.opts.listener.warning(`Ignored a server frame: ${decoded.reason}`);
        return;
      }
      if (decoded.value.type === 'ready' && !ready) {
        ready = true;
        this.clearTimer(timeout);
        if (isProbe) {
          // WebSocket works again: leave HTTP polling.
          this.polling?.abort();
          this.polling = undefined;
          this.probe = undefined;
          this.socket = ws;
        }
        this.backoff.reset();
        this.setState('online', 'websocket');
        this.startHeartbeat(ws, gen);
        this.flushAcksToHttp();
        return;
      }
      this.handleFrame(decoded.value);
    };
    ws.onerror = () => undefined; // a close event always follows
    ws.onclose = (ev) => {
      this.clearTimer(timeout);
      this.detach(ws);
      if (gen !== this.generation) return;
      if (!ready) {
        failed(ev.code);
        return;
      }
      if (ev.code === 4001) this.opts.session.invalidate();
      this.dropped();
    };
  }

  private handleFrame(frame: ServerFrame): void {
    switch (frame.type) {
      case 'message':
        this.opts.listener.message(frame.message);
        break;
      case 'ack': {
        const ack = this.acks.get(frame.clientId);
        this.opts.listener.message(frame.message);
        if (ack) {
          this.acks.delete(frame.clientId);
          this.clearTimer(ack.timer);
          ack.resolve(frame.message);
        }
        break;
      }
      case 'typing':
        this.opts.listener.typing(frame.sender, frame.typing);
        break;
      case 'status':
      case 'presence':
      case 'read':
        this.opts.listener.lifecycle?.(frame);
        break;
      case 'error': {
        const ack = frame.clientId ? this.acks.get(frame.clientId) : undefined;
        if (ack && frame.clientId) {
          this.acks.delete(frame.clientId);
          this.clearTimer(ack.timer);
          ack.reject(new ApiError(STATUS_OF_CODE[frame.code] ?? 500, frame.code, frame.message, frame.retryAfter));
        } else {
          this.opts.listener.warning(`Server error frame: ${frame.code}: ${frame.message}`);
        }
        break;
      }
      default:
        break; // pong and late ready frames only refresh lastFrameAt
    }
  }

  /** An established WebSocket ended: reconnect after a backoff delay, WebSocket first. */
  private dropped(): void {
    this.socket = undefined;
    this.flushAcksToHttp();
    this.scheduleRetry();
  }

  /**
   * Messages sent over a socket that then died may or may not have been stored. Rejecting them
   * as transient lets the owner resend them; the server's clientId check makes that safe.
   */
  private flushAcksToHttp(): void {
    for (const [clientId, ack] of this.acks) {
      if (this.socket?.readyState === OPEN) continue;
      this.clearTimer(ack.timer);
      ack.reject(new ApiError(0, 'connection_lost', 'The connection dropped before the server answered.'));
      this.acks.delete(clientId);
    }
  }

  /** Receives over HTTP long-poll until stopped, replaced by a WebSocket, or the server is gone. */
  private async poll(gen: number): Promise<void> {
    if (gen !== this.generation || this.polling) return;
    const controller = new AbortController();
    this.polling = controller;
    this.scheduleProbe(gen);
    let wait = 0;
    let authRetries = 0;
    while (gen === this.generation && this.polling === controller) {
      try {
        const session = await this.opts.session.get();
        const page = await this.opts.api.listMessages(
          session.token,
          { conversationId: session.conversationId, after: this.opts.cursor(), limit: 200, wait },
          controller.signal,
        );
        if (this.polling !== controller) return;
        authRetries = 0;
        if (this.state !== 'online') {
          this.backoff.reset();
          this.setState('online', 'http');
        }
        for (const m of page.messages) this.opts.listener.message(m);
        this.opts.listener.lifecycle?.({ type: 'page', page });
        wait = page.hasMore ? 0 : this.opts.pollWaitSeconds;
      } catch (err) {
        if (controller.signal.aborted || this.polling !== controller) return;
        if (err instanceof ApiError && err.isAuth && authRetries++ < 2) {
          this.opts.session.invalidate();
          continue;
        }
        this.polling = undefined;
        this.opts.listener.warning(`HTTP fallback failed: ${(err as Error).message}`);
        this.scheduleRetry();
        return;
      }
    }
  }

  private scheduleProbe(gen: number): void {
    this.later(this.opts.probeMs, async () => {
      if (gen !== this.generation || !this.polling || this.probe) return;
      try {
        const session = await this.opts.session.get();
        if (gen === this.generation && this.polling) this.openSocket(session, gen, true);
      } catch {
        this.scheduleProbe(gen);
      }
    });
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    this.setState('offline', undefined);
    const gen = this.generation;
    this.retryTimer = this.later(this.backoff.next(), () => {
      this.retryTimer = undefined;
      if (gen === this.generation) void this.connect();
    });
  }

  private startHeartbeat(ws: WebSocketLike, gen: number): void {
    const beat = (): void => {
      if (gen !== this.generation || this.socket !== ws) return;
      if (this.opts.clock.now() - this.lastFrameAt >= 2 * this.opts.heartbeatMs) {
        // Half-open socket: no close event will come, so give it up ourselves.
        this.detach(ws);
        ws.close(4000, 'heartbeat timeout');
        this.dropped();
        return;
      }
      this.sendFrame(ws, { type: 'ping', ts: this.opts.clock.now() });
      this.later(this.opts.heartbeatMs, beat);
    };
    this.later(this.opts.heartbeatMs, beat);
  }

  private async withSession<T>(call: (s: SessionInfo) => Promise<T>): Promise<T> {
    try {
      return await call(await this.opts.session.get());
    } catch (err) {
      if (!(err instanceof ApiError && err.isAuth)) throw err;
      this.opts.session.invalidate();
      return call(await this.opts.session.get());
    }
  }

  private sendFrame(ws: WebSocketLike, frame: ClientFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch (err) {
      this.opts.listener.warning(`WebSocket send failed: ${(err as Error).message}`);
    }
  }

  private closeSocket(ws: WebSocketLike | undefined): void {
    if (!ws) return;
    this.detach(ws);
    try {
      ws.close(1000, 'closed by client');
    } catch {
      // already closed
    }
  }

  private detach(ws: WebSocketLike): void {
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
  }

  private setState(state: ConnectionState, kind: TransportKind | undefined): void {
    if (state === this.state && kind === this.kind) return;
    this.state = state;
    this.kind = kind;
    this.opts.listener.state(state, kind);
  }

  private later(ms: number, fn: () => void): unknown {
    const handle = this.opts.clock.setTimeout(() => {
      this.timers.delete(handle);
      fn();
    }, ms);
    this.timers.add(handle);
    return handle;
  }

  private clearTimer(handle: unknown): void {
    if (handle === undefined) return;
    this.opts.clock.clearTimeout(handle);
    this.timers.delete(handle);
  }
}
