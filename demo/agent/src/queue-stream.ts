/**
 * The live view of the assistant's answers in the agent console (issue 12): `AssistantStreamFeed`
 * follows the tenant's stream frames on an agent WebSocket of its own (`/ws/agent`:
 * `stream_start`, `stream_delta`, `stream_end`; docs/protocol.md, "Streams") and
 * `<amoiq-agent-live-answer>` shows, for one conversation, the answer being written as it grows
 * (plain text, appended in delta order; the stored message replaces it in the conversation when
 * it ends). Kept apart from the app's own socket handling so the console's other parts stay as
 * they are; the socket reconnects by itself and forgets the streams it missed meanwhile (their
 * final messages reach the conversation as usual).
 *
 * The socket lives only while an element shows a conversation the assistant has: the elements
 * share one feed per console (`followStreams`), and the last one to stop following (the agent
 * leaves the conversation, a person takes it over or it is handed off when an answer ends, the
 * element is removed, the console logs out) closes it. Left open, it was a second agent
 * connection for the rest of the page's life, counted as the agent being online.
 */
import { LitElement, css, html, nothing } from 'lit';
import { property, state } from 'lit/decorators.js';
import { agentSocketUrl } from './api.js';

/** One answer being written. */
export interface LiveStream {
  streamId: string;
  conversationId: string;
  name: string;
  text: string;
  /** The last delta applied (-1: none yet). */
  index: number;
}

type Listener = () => void;

/**
 * The streams in flight of a tenant, from an agent WebSocket: deltas applied in `index` order
 * (a repeated or older one is dropped), a stream forgotten at its end.
 */
export class AssistantStreamFeed {
  private readonly streams = new Map<string, LiveStream>();
  private readonly listeners = new Set<Listener>();
  private ws: WebSocket | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = false;
  private attempt = 0;
  private ready = false;

  constructor(
    /** Backend origin; '' for the console's own. */
    private readonly baseUrl: string,
    private readonly token: string,
  ) {
    this.connect();
  }

  /** The answer being written in a conversation, if any (the newest). */
  of(conversationId: string): LiveStream | undefined {
    return [...this.streams.values()].reverse().find((s) => s.conversationId === conversationId);
  }

  /** Whether its socket is open and the server said `ready` (stream frames arrive from then on). */
  get connected(): boolean {
    return this.ready && this.ws?.readyState === WebSocket.OPEN;
  }

  onChange(fn: Listener): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** How many follow it: none, and nobody needs its socket. */
  get followers(): number {
    return this.listeners.size;
  }

  close(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ws?.close(1000, 'bye');
    this.ws = null;
  }

  /** Applies one frame (exposed for the socket handler; anything else is ignored). */
  apply(frame: Record<string, unknown>): void {
    const id = typeof frame.streamId === 'string' ? frame.streamId : '';
    if (!id || typeof frame.conversationId !== 'string') return;
    if (frame.type === 'stream_start') {
      if (this.streams.has(id)) return;
      const sender = (frame.sender ?? {}) as { name?: unknown };
      this.streams.set(id, {
        streamId: id,
        conversationId: frame.conversationId,
        name: typeof sender.name === 'string' ? sender.name : 'Assistant',
        text: '',
        index: -1,
      });
    } else if (frame.type === 'stream_delta') {
      // A first delta whose start was missed (the socket opened in between) starts the stream.
      if (!this.streams.has(id) && frame.index === 0)
        this.streams.set(id, { streamId: id, conversationId: frame.conversationId, name: 'Assistant', text: '', index: -1 });
      const s = this.streams.get(id);
      if (!s || frame.index !== s.index + 1 || typeof frame.text !== 'string') return;
      s.text += frame.text;
      s.index++;
    } else if (frame.type === 'stream_end') {
      if (!this.streams.delete(id)) return;
    } else return;
    for (const fn of this.listeners) fn();
  }

  private connect(): void {
    if (this.stopped) return;
    const url = `${agentSocketUrl(this.baseUrl)}?token=${encodeURIComponent(this.token)}`;
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.addEventListener('open', () => (this.attempt = 0));
    ws.addEventListener('message', (event) => {
      try {
        const frame = JSON.parse(String(event.data)) as unknown;
        if (!frame || typeof frame !== 'object') return;
        if ((frame as { type?: unknown }).type === 'ready') this.ready = true;
        this.apply(frame as Record<string, unknown>);
      } catch {
        // not JSON: not ours to report (the app's own socket warns)
      }
    });
    ws.addEventListener('close', (event) => {
      if (this.ws !== ws || this.stopped) return;
      this.ws = null;
      this.ready = false;
      // What was written while away is not known: those answers show up as messages when they end.
      if (this.streams.size) {
        this.streams.clear();
        for (const fn of this.listeners) fn();
      }
      if (event.code === 4001) return; // the token is refused: the app logs in again
      const delay = Math.min(15_000, 500 * 2 ** this.attempt++);
      this.timer = setTimeout(() => this.connect(), delay);
    });
  }
}

/** One feed per console (base URL and token), shared by every view of it while one follows it. */
const feeds = new Map<string, AssistantStreamFeed>();

/**
 * Follows the streams of a console's tenant: `onChange` runs on each change until `stop()`. The
 * feed (its socket) opens with its first follower and closes with its last: a console whose
 * token changes (a new login) stops following the old one, which then closes too.
 */
export function followStreams(baseUrl: string, token: string, onChange: Listener): { feed: AssistantStreamFeed; stop: () => void } {
  const key = `${baseUrl} ${token}`;
  let feed = feeds.get(key);
  if (!feed) feeds.set(key, (feed = new AssistantStreamFeed(baseUrl, token)));
  const followed = feed;
  const unsubscribe = followed.onChange(onChange);
  let stopped = false;
  return {
    feed: followed,
    stop: () => {
      if (stopped) return;
      stopped = true;
      unsubscribe();
      if (followed.followers > 0) return;
      followed.close();
      if (feeds.get(key) === followed) feeds.delete(key);
    },
  };
}

/** The feed followed now for a console, if anything follows it (tests wait for it to connect). */
export function followedFeed(baseUrl: string, token: string): AssistantStreamFeed | undefined {
  return feeds.get(`${baseUrl} ${token}`);
}

/**
 * The assistant's answer in a conversation as it is written: its name, "writing…", and the text
 * so far. Nothing while no answer is being written. Not a live region: agents read it; the
 * finished answer arrives in the conversation as a message.
 *
 * @tag amoiq-agent-live-answer
 */
export class AmoiqAgentLiveAnswer extends LitElement {
  static override styles = css`
    :host {
      display: block;
    }
    .live {
      margin: 0.4rem 0;
      padding: 0.4rem 0.6rem;
      border: 1px dashed #8a8a8a;
      border-radius: 6px;
      background: #f6f6fb;
      color: #1a1a1a;
    }
    .who {
      font-size: 0.8rem;
      color: #4a4a4a;
    }
    .text {
      white-space: pre-wrap;
      overflow-wrap: anywhere;
      margin: 0.2rem 0 0;
    }
  `;

  /** Backend origin; '' (the default) for the console's own, as the rest of the console. */
  @property({ attribute: false }) baseUrl = '';
  @property({ attribute: false }) token = '';
  @property({ attribute: false }) conversationId: string | null = null;
  @state() private stream: LiveStream | undefined;
  /** The feed followed now, its key (base URL and token) and how to stop following it. */
  private following?: { key: string; feed: AssistantStreamFeed; stop: () => void };

  override updated(changed: Map<string, unknown>): void {
    if (changed.has('baseUrl') || changed.has('token') || changed.has('conversationId')) this.follow();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.follow();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.hasUpdated) this.follow();
  }

  /**
   * Follows the console's feed while connected with a token and a conversation, and stops
   * following it otherwise (its socket closes when nothing else follows it). Another conversation
   * of the same console keeps the same feed: its socket stays, no stream frame is missed.
   */
  private follow(): void {
    // '' is the console's own origin (served by the backend, the normal setup), not "no backend".
    const key = this.isConnected && this.token && this.conversationId ? `${this.baseUrl} ${this.token}` : '';
    if (this.following?.key !== key) {
      this.following?.stop();
      this.following = undefined;
      if (key) this.following = { key, ...followStreams(this.baseUrl, this.token, () => this.read()) };
    }
    this.read();
  }

  private read(): void {
    const s = this.conversationId ? this.following?.feed.of(this.conversationId) : undefined;
    // A new object per change, so Lit sees the text grow.
    this.stream = s ? { ...s } : undefined;
  }

  override render() {
    const s = this.stream;
    if (!s) return nothing;
    return html`<div class="live" part="live-answer" data-stream=${s.streamId} aria-busy="true">
      <div class="who"><bdi>${s.name}</bdi> <span title="Written by the AI assistant">(AI)</span> is writing…</div>
      ${s.text ? html`<p class="text" dir="auto">${s.text}</p>` : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'amoiq-agent-live-answer': AmoiqAgentLiveAnswer;
  }
}
