import { ASSISTANT_FRAME_TYPES, decodeAssistantFrame, type AssistantServerFrame } from '../protocol/assistant.js';
import { decodeServerFrame, type ClientFrame, type ServerFrame } from '../protocol/v1.js';
import type { Clock } from './clock.js';
import type { Timers } from './timers.js';

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

/** What a {@link WebSocketChannel} reports. After `failed` or `dropped` it reports nothing more. */
export interface WebSocketChannelEvents {
  /** The server said `ready`: the socket can carry the chat. `lastSeq`: the conversation's newest message then. */
  ready(lastSeq: number): void;
  /** A well-formed frame other than the first `ready`. */
  frame(frame: ServerFrame | AssistantServerFrame): void;
  /** The socket closed, or did not become ready in time (code 4000), before `ready`. */
  failed(code: number): void;
  /** A ready socket closed, or went silent for two heartbeat intervals (code 4000). */
  dropped(code: number): void;
  warning(text: string): void;
}

/** Settings of a {@link WebSocketChannel}; durations in ms. */
export interface WebSocketChannelOptions {
  url: string;
  WebSocket: WebSocketFactory;
  clock: Clock;
  timers: Timers;
  /** How long the socket may take to become ready. */
  connectTimeoutMs: number;
  /** Ping interval once ready; silence for two intervals counts as a dead socket. */
  heartbeatMs: number;
  events: WebSocketChannelEvents;
}

const OPEN = 1;

/**
 * One WebSocket to `/ws/chat`, from opening to its end: waits for `ready` (or gives up after the
 * connect timeout), decodes every frame (a malformed one is a warning, never a throw), pings while
 * ready and gives up a socket that stays silent. It does not reconnect: the transport decides what
 * comes next. Its timers live in the transport's {@link Timers}.
 *
 * @example
 * const channel = new WebSocketChannel({ url, WebSocket, clock, timers, connectTimeoutMs: 2500, heartbeatMs: 25_000, events });
 * channel.send({ type: 'typing', typing: true });
 * channel.close();
 */
export class WebSocketChannel {
  private readonly ws: WebSocketLike;
  private ready = false;
  private ended = false;
  private lastFrameAt = 0;
  private connectTimer?: unknown;
  private beatTimer?: unknown;

  /** Opens the socket; throws what the WebSocket constructor throws (a URL it refuses). */
  constructor(private readonly opts: WebSocketChannelOptions) {
    this.ws = new opts.WebSocket(opts.url);
    this.connectTimer = opts.timers.later(opts.connectTimeoutMs, () => {
      this.end(4000, 'connect timeout');
      opts.events.failed(4000);
    });
    this.ws.onmessage = (ev) => this.handleMessage(ev.data);
    this.ws.onerror = () => undefined; // a close event always follows
    this.ws.onclose = (ev) => {
      const wasReady = this.ready;
      this.end();
      if (wasReady) opts.events.dropped(ev.code);
      else opts.events.failed(ev.code);
    };
  }

  /** True while the socket is ready and open. */
  get isOpen(): boolean {
    return this.ready && !this.ended && this.ws.readyState === OPEN;
  }

  /** Sends a frame; a socket that cannot take it is a warning (the close event follows). */
  send(frame: ClientFrame): void {
    try {
      this.ws.send(JSON.stringify(frame));
    } catch (err) {
      this.opts.events.warning(`WebSocket send failed: ${(err as Error).message}`);
    }
  }

  /** Closes the socket and clears its timers; reports nothing more. */
  close(): void {
    this.end(1000, 'closed by client');
  }

  private handleMessage(data: unknown): void {
    if (this.ended) return;
    this.lastFrameAt = this.opts.clock.now();
    const decoded = decodeServerFrame(data);
    // The assistant's frames (protocol/assistant.ts) have a decoder of their own.
    const assistant = decoded.ok ? undefined : decodeAssistant(data);
    if (assistant?.ok) {
      this.opts.events.frame(assistant.value);
      return;
    }
    if (!decoded.ok) {
      this.opts.events.warning(`Ignored a server frame: ${decoded.reason}`);
      return;
    }
    if (decoded.value.type === 'ready' && !this.ready) {
      this.ready = true;
      this.opts.timers.clear(this.connectTimer);
      this.connectTimer = undefined;
      this.beatTimer = this.opts.timers.later(this.opts.heartbeatMs, this.beat);
      this.opts.events.ready(decoded.value.lastSeq);
      return;
    }
    this.opts.events.frame(decoded.value);
  }

  private readonly beat = (): void => {
    this.beatTimer = undefined;
    if (this.ended) return;
    if (this.opts.clock.now() - this.lastFrameAt >= 2 * this.opts.heartbeatMs) {
      // Half-open socket: no close event will come, so give it up ourselves.
      this.end(4000, 'heartbeat timeout');
      this.opts.events.dropped(4000);
      return;
    }
    this.send({ type: 'ping', ts: this.opts.clock.now() });
    this.beatTimer = this.opts.timers.later(this.opts.heartbeatMs, this.beat);
  };

  /** Detaches the handlers and clears the timers; with a code, closes the socket too. */
  private end(code?: number, reason?: string): void {
    if (this.ended) return;
    this.ended = true;
    const ws = this.ws;
    ws.onopen = ws.onmessage = ws.onerror = ws.onclose = null;
    this.opts.timers.clear(this.connectTimer);
    this.opts.timers.clear(this.beatTimer);
    this.connectTimer = this.beatTimer = undefined;
    if (code === undefined) return;
    try {
      ws.close(code, reason);
    } catch {
      // already closed
    }
  }
}

/** Decodes an assistant frame; undefined when `data` is not one of their types. */
function decodeAssistant(data: unknown): ReturnType<typeof decodeAssistantFrame> | undefined {
  if (typeof data !== 'string' || (!data.includes('"stream') && !data.includes('"handoff"'))) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(data);
  } catch {
    return undefined;
  }
  const type = (v as { type?: unknown } | null)?.type;
  return typeof type === 'string' && ASSISTANT_FRAME_TYPES.has(type) ? decodeAssistantFrame(v) : undefined;
}
