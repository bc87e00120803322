import type { AssistantServerFrame } from '../protocol/assistant.js';
import type { MessagePage, Sender, ServerFrame, SessionInfo, VoiceWireFrame, WireMessage } from '../protocol/v1.js';
import type { ChatApi } from './api.js';
import type { BackoffOptions } from './backoff.js';
import type { Clock } from './clock.js';
import type { SessionSource } from './session.js';
import type { WebSocketFactory } from './ws-channel.js';

// The contract of ChatTransport (transport.ts): its settings, what it reports, and its states.

/**
 * Where the connection stands, as shown to visitors and reported to the host page.
 * `unavailable`: the server refused this page's embed (unknown key, tenant or widget, origin not
 * allowed, widget switched off); nothing is retried until the page loads again.
 */
export type ConnectionState = 'idle' | 'connecting' | 'online' | 'offline' | 'unavailable';

/** Which channel carries the chat while online. */
export type TransportKind = 'websocket' | 'http';

/** What the transport reports to its owner. */
export interface TransportListener {
  /** A message as it happened (a live frame, an ack, a long poll that waited). */
  message(message: WireMessage): void;
  /**
   * Messages the server replayed to catch up (a `messages` frame after `after=` or `sync`, or the
   * long polls answered at once after connecting), oldest first. Without it each is `message`.
   */
  replayed?(messages: WireMessage[]): void;
  /** A socket got `ready`; `lastSeq` is the conversation's newest sequence number then. */
  connected?(lastSeq: number): void;
  typing(sender: Sender, typing: boolean): void;
  state(state: ConnectionState, kind: TransportKind | undefined): void;
  /** Something went wrong that the owner may report; `error` is the cause when there is one. */
  warning(text: string, error?: unknown): void;
  /** Conversation status, agent presence or a read mark changed (frames, or a long-poll page). */
  lifecycle?(change: LifecycleChange): void;
  /** An assistant frame: a stream started, grew or ended, the streams after a reconnect, the handoff state. */
  assistant?(frame: AssistantServerFrame): void;
  /** A voice frame (`call`, `mode`, `rtc`), or a long-poll page's `call` and `mode` as frames. */
  voice?(frame: VoiceWireFrame): void;
}

/** What a `status`, `presence` or `read` frame (or a message page) says about the conversation. */
export type LifecycleChange = Extract<ServerFrame, { type: 'status' | 'presence' | 'read' }> | { type: 'page'; page: MessagePage };

/** Settings of {@link ChatTransport}; every duration is in ms. */
export interface TransportOptions {
  api: ChatApi;
  session: SessionSource;
  /** Highest sequence number held without gaps; replay starts after it. */
  cursor: () => number;
  /** The assistant's streams shown, `<streamId>:<index>` joined by commas (the long poll's `stream=`). */
  streamCursor?: () => string | undefined;
  listener: TransportListener;
  /**
   * Runs before each connection is opened, after the session is known: the owner loads the
   * newest page of history first, so the connection resumes from its cursor instead of replaying
   * the whole conversation (`after=0`). A rejection is ignored.
   */
  prepare?(session: SessionInfo): Promise<void>;
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
