import { PendingAcks } from './acks.js';
import type { MessageQuery } from './api.js';
import { Backoff } from './backoff.js';
import { systemClock } from './clock.js';
import { LongPollChannel } from './poll-channel.js';
import type { AssistantServerFrame } from '../protocol/assistant.js';
import { withSession } from './session.js';
import { Timers } from './timers.js';
import { dispatchFrame, pageReader } from './transport-frames.js';
import { WebSocketChannel, type WebSocketChannelEvents, type WebSocketFactory } from './ws-channel.js';
import { ApiError, type ClientFrame, type ServerFrame, type SessionInfo, type WireMessage } from '../protocol/v1.js';
import type { ConnectionState, TransportKind, TransportOptions } from './transport-types.js';

export type { WebSocketFactory, WebSocketLike } from './ws-channel.js';
export type { SessionSource } from './session.js';
export type { ConnectionState, LifecycleChange, TransportKind, TransportListener, TransportOptions } from './transport-types.js';

/**
 * Keeps one live channel to the backend: the state machine over a {@link WebSocketChannel} when
 * WebSocket works and a {@link LongPollChannel} when it does not. It reconnects with capped
 * exponential backoff, falls back to HTTP when a socket fails before `ready`, and while on HTTP
 * probes WebSocket in the background, switching back once a probe is ready. It knows nothing of
 * the DOM; WebSocket, fetch (through `ChatApi`) and the clock are injected.
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

  private readonly opts: Required<Omit<TransportOptions, 'backoff' | 'WebSocket' | 'prepare' | 'streamCursor'>> &
    Pick<TransportOptions, 'prepare' | 'streamCursor'> & { WebSocket?: WebSocketFactory };
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private readonly acks: PendingAcks;
  /** Incremented by stop() and by every new connection cycle, so late answers of old ones are ignored. */
  private generation = 0;
  private running = false;
  /** The WebSocket that carries (or is about to carry) the chat. */
  private socket?: WebSocketChannel;
  /** A WebSocket tried in the background while HTTP carries the chat. */
  private probe?: WebSocketChannel;
  private polling?: LongPollChannel;
  private retryTimer?: unknown;
  private probeTimer?: unknown;

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
    this.timers = new Timers(this.opts.clock);
    this.acks = new PendingAcks(this.timers);
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
    this.closeChannels();
    this.timers.clearAll();
    this.retryTimer = this.probeTimer = undefined;
    this.acks.rejectAll(() => new ApiError(0, 'stopped', 'The chat was closed before the server answered.'));
    this.setState('idle', undefined);
  }

  /**
   * Skips the backoff wait and tries at once, when there is a reason to believe the network is
   * back (the browser went online, the page became visible, the visitor pressed send).
   */
  reconnectNow(): void {
    if (!this.running || this.state !== 'offline' || this.retryTimer === undefined) return;
    this.timers.clear(this.retryTimer);
    this.retryTimer = undefined;
    void this.connect();
  }

  /**
   * The browser says the network is gone (`offline` event): give up the socket or long poll now
   * instead of waiting for the heartbeat to notice, and show offline. Sends wait in the outbox.
   */
  networkLost(): void {
    if (!this.running || this.state === 'offline') return;
    this.generation++;
    this.closeChannels();
    this.flushAcks();
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
    const socket = this.liveSocket();
    if (socket) {
      const acked = this.acks.wait(clientId, this.opts.ackTimeoutMs);
      socket.send({ type: 'message', clientId, text, ...files });
      return acked;
    }
    return this.http((s) => this.opts.api.postMessage(s.token, { conversationId: s.conversationId, clientId, text, ...files }));
  }

  /** Tells the other side whether the visitor is typing; best effort. */
  sendTyping(typing: boolean): void {
    const socket = this.liveSocket();
    if (socket) socket.send({ type: 'typing', typing });
    else if (this.state === 'online') this.http((s) => this.opts.api.postTyping(s.token, s.conversationId, typing)).catch(() => undefined);
  }

  /**
   * Reports that the visitor has seen every message up to `seq`: a `read` frame over WebSocket,
   * `POST /api/chat/read` over HTTP. Best effort; rejects when it could not be sent.
   */
  async sendRead(seq: number): Promise<void> {
    const socket = this.liveSocket();
    if (socket) {
      socket.send({ type: 'read', seq });
      return;
    }
    if (this.state !== 'online') throw new ApiError(0, 'network', 'Not connected.');
    await this.http((s) => this.opts.api.postRead(s.token, s.conversationId, seq));
  }

  /**
   * Sends a voice `rtc` frame over the open WebSocket; false when there is none (the caller holds
   * it until the socket is back: in-browser calls need the WebSocket).
   */
  sendVoiceFrame(frame: Record<string, unknown> & { type: 'rtc' }): boolean {
    if (!this.socket?.isOpen) return false;
    this.socket.send(frame as unknown as ClientFrame);
    return true;
  }

  /** Asks for every message after `after` again (a gap was seen). */
  requestReplay(after: number): void {
    // Over HTTP the next long poll asks from the cursor anyway.
    if (this.socket?.isOpen) this.socket.send({ type: 'sync', after } satisfies ClientFrame);
  }

  /** The socket that carries the chat right now, if WebSocket does. */
  private liveSocket(): WebSocketChannel | undefined {
    return this.kind === 'websocket' && this.socket?.isOpen ? this.socket : undefined;
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
      // A refused embed (wrong key, tenant, widget, origin) will not fix itself: no retry loop.
      if (err instanceof ApiError && err.isRefused) this.setState('unavailable', undefined);
      else this.scheduleRetry();
      return;
    }
    if (gen !== this.generation) return;
    if (this.opts.prepare) {
      await this.opts.prepare(session).catch(() => undefined);
      if (gen !== this.generation) return;
    }
    // Without WebSocket, or when the browser refuses the URL, HTTP carries the chat.
    this.socket = this.openSocket(session, {
      ready: (lastSeq) => {
        this.opts.listener.connected?.(lastSeq);
        this.wentOnline();
      },
      failed: (code) => {
        if (code === 4001) this.opts.session.invalidate();
        this.socket = undefined;
        this.startPolling();
      },
    });
    if (!this.socket) this.startPolling();
  }

  /** Probes WebSocket while HTTP carries the chat; a probe that gets `ready` takes over. */
  private openProbe(session: SessionInfo): void {
    const probe = this.openSocket(session, {
      ready: (lastSeq) => {
        this.opts.listener.connected?.(lastSeq);
        this.polling?.close();
        this.polling = undefined;
        this.probe = undefined;
        this.socket = probe;
        this.wentOnline();
      },
      failed: (code) => {
        if (code === 4001) this.opts.session.invalidate();
        this.probe = undefined;
        this.scheduleProbe();
      },
    });
    if (probe) this.probe = probe;
    else this.scheduleProbe();
  }

  /** Opens a WebSocket for `session`; undefined when there is no WebSocket or it refused the URL. */
  private openSocket(session: SessionInfo, on: Pick<WebSocketChannelEvents, 'ready' | 'failed'>): WebSocketChannel | undefined {
    const WebSocket = this.opts.WebSocket;
    if (!WebSocket) return undefined;
    try {
      return new WebSocketChannel({
        url: `${session.wsUrl}?token=${encodeURIComponent(session.token)}&after=${this.opts.cursor()}&batch=1`,
        WebSocket,
        clock: this.opts.clock,
        timers: this.timers,
        connectTimeoutMs: this.opts.connectTimeoutMs,
        heartbeatMs: this.opts.heartbeatMs,
        events: {
          ...on,
          frame: (frame) => this.handleFrame(frame),
          dropped: (code) => this.dropped(code),
          warning: (text) => this.opts.listener.warning(text),
        },
      });
    } catch (err) {
      this.opts.listener.warning(`WebSocket refused: ${(err as Error).message}`);
      return undefined;
    }
  }

  private wentOnline(): void {
    this.backoff.reset();
    this.setState('online', 'websocket');
    this.flushAcks();
  }

  /** Receives over HTTP long-poll until stopped, replaced by a WebSocket, or the server is gone. */
  private startPolling(): void {
    if (this.polling) return;
    const read = pageReader(this.opts.listener);
    const polling = new LongPollChannel({
      fetch: (query, signal) =>
        this.http((s) =>
          this.opts.api.listMessages(s.token, { conversationId: s.conversationId, ...query } satisfies MessageQuery, signal),
        ),
      cursor: this.opts.cursor,
      streamCursor: this.opts.streamCursor,
      waitSeconds: this.opts.pollWaitSeconds,
      page: (page) => {
        if (this.state !== 'online') {
          this.backoff.reset();
          this.setState('online', 'http');
        }
        read(page);
      },
      failed: (err) => {
        this.polling = undefined;
        this.timers.clear(this.probeTimer);
        this.probeTimer = undefined;
        this.opts.listener.warning(`HTTP fallback failed: ${(err as Error).message}`);
        this.scheduleRetry();
      },
    });
    this.polling = polling;
    if (this.opts.WebSocket) this.scheduleProbe();
  }

  private scheduleProbe(): void {
    const gen = this.generation;
    this.probeTimer = this.timers.later(this.opts.probeMs, async () => {
      this.probeTimer = undefined;
      if (gen !== this.generation || !this.polling || this.probe) return;
      let session: SessionInfo;
      try {
        session = await this.opts.session.get();
      } catch {
        if (gen === this.generation && this.polling) this.scheduleProbe();
        return;
      }
      if (gen === this.generation && this.polling && !this.probe) this.openProbe(session);
    });
  }

  private handleFrame(frame: ServerFrame | AssistantServerFrame): void {
    dispatchFrame(frame, this.opts.listener, this.acks);
  }

  /** An established WebSocket ended: reconnect after a backoff delay, WebSocket first. */
  private dropped(code: number): void {
    if (code === 4001) this.opts.session.invalidate();
    this.socket = undefined;
    this.flushAcks();
    this.scheduleRetry();
  }

  /**
   * Messages sent over a socket that then died may or may not have been stored. Rejecting them
   * as transient lets the owner resend them; the server's clientId check makes that safe.
   */
  private flushAcks(): void {
    if (this.socket?.isOpen) return;
    this.acks.rejectAll(() => new ApiError(0, 'connection_lost', 'The connection dropped before the server answered.'));
  }

  private scheduleRetry(): void {
    if (!this.running) return;
    this.setState('offline', undefined);
    const gen = this.generation;
    this.retryTimer = this.timers.later(this.backoff.next(), () => {
      this.retryTimer = undefined;
      if (gen === this.generation) void this.connect();
    });
  }

  /** An HTTP call with a session, renewing a refused token once. */
  private http<T>(call: (session: SessionInfo) => Promise<T>): Promise<T> {
    return withSession(this.opts.session, call);
  }

  private closeChannels(): void {
    this.socket?.close();
    this.probe?.close();
    this.polling?.close();
    this.socket = this.probe = this.polling = undefined;
    this.timers.clear(this.probeTimer);
    this.probeTimer = undefined;
  }

  private setState(state: ConnectionState, kind: TransportKind | undefined): void {
    if (state === this.state && kind === this.kind) return;
    this.state = state;
    this.kind = kind;
    this.opts.listener.state(state, kind);
  }
}
