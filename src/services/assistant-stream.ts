import type { Sender } from '../protocol/v1.js';

/** A link an answer is based on. */
export interface AnswerSource {
  title: string;
  url: string;
}

/**
 * Where a streamed answer stands: `thinking` until its first text, `streaming` while text
 * arrives, `stopping` once the visitor pressed Stop (text may still arrive until the server
 * ends it).
 */
export type StreamPhase = 'thinking' | 'streaming' | 'stopping';

/** One streamed answer as the UI shows it. */
export interface StreamView {
  id: string;
  sender: Sender;
  createdAt: string;
  phase: StreamPhase;
  /** The text received so far, in order, without duplicates. */
  readonly text: string;
  /** The index of the last delta in {@link text} (-1: none yet). */
  readonly index: number;
  sources: readonly AnswerSource[];
}

/** What changed, for a renderer that keeps its own parsed form of the text. */
export type StreamChange =
  /** A new stream, or one whose text was replaced (a snapshot after a reconnect). */
  | { type: 'reset'; stream: StreamView }
  /** Text added at the end of the stream. */
  | { type: 'append'; stream: StreamView; text: string }
  /** Phase or sources changed. */
  | { type: 'update'; stream: StreamView }
  /** The stream is gone: its final message is in the timeline, or it was dropped. */
  | { type: 'remove'; id: string };

/** What the module needs from the chat. */
export interface AssistantStreamDeps {
  /** Asks the server to stop the answer (the leader sends the frame; a follower hands it over). */
  requestStop(streamId: string): void;
  /** A stream appeared or went away (the chat publishes `streaming` in its state). */
  countChanged(count: number): void;
}

/** The mutable record behind a {@link StreamView}. */
interface Stream extends StreamView {
  parts: string[];
  /** The index of the last delta applied (-1: none). */
  index: number;
  /** Deltas received ahead of a missing one, by index. */
  ahead: Map<number, string>;
  cachedText?: string;
}

/**
 * The streamed answers of the assistant (no DOM): text accumulated per stream in delta order,
 * duplicates and replays dropped, a stream replaced by its final message without ever showing
 * both or half of one, and the Stop request (docs/protocol.md, "Streams").
 *
 * Deltas are numbered per stream (`index` 0, 1, 2…): the next one is appended, one already
 * applied is dropped, one ahead of a missing one waits for it. Renderers subscribe with
 * {@link onChange} and get only the appended text, so a delta costs time proportional to its own
 * length. A snapshot (the `streams` frame after a reconnect, or a long-poll page) replaces a
 * stream's text — or only appends when it continues what is shown — and drops the streams it does
 * not list: their final messages came with the replay, before it. The final message (by its
 * `streamId`, from `stream_end`, a replay or a page) removes its stream in the same update that
 * adds it to the timeline.
 */
export class AssistantStreams {
  private readonly streams = new Map<string, Stream>();
  /** Streams already replaced by their message or dropped: late frames about them are ignored. */
  private readonly finished = new Set<string>();
  private readonly listeners = new Set<(change: StreamChange) => void>();

  constructor(private readonly deps: AssistantStreamDeps) {}

  /** Calls `fn` with every change; returns the unsubscribe function. */
  onChange(fn: (change: StreamChange) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** The streams now shown, oldest first. */
  get active(): StreamView[] {
    return [...this.streams.values()];
  }

  /** One stream, if shown. */
  get(id: string): StreamView | undefined {
    return this.streams.get(id);
  }

  /** The newest stream still being written (for Stop), if any. */
  get current(): StreamView | undefined {
    return [...this.streams.values()].reverse().find((s) => s.phase === 'thinking' || s.phase === 'streaming');
  }

  /** A stream began: "thinking" until its first delta. A repeated start changes nothing. */
  start(id: string, sender: Sender, createdAt: string): void {
    if (this.finished.has(id) || this.streams.has(id)) return;
    this.add({ id, sender, createdAt, text: '', index: -1 });
  }

  /** Delta `index` of stream `id`; out of order and repeated deltas are sorted out here. */
  delta(id: string, index: number, text: string): void {
    const s = this.streams.get(id);
    if (!s || index <= s.index) return;
    if (index > s.index + 1) {
      s.ahead.set(index, text);
      return;
    }
    let added = this.take(s, text);
    for (let next = s.ahead.get(s.index + 1); next !== undefined; next = s.ahead.get(s.index + 1)) {
      s.ahead.delete(s.index + 1);
      added += this.take(s, next);
    }
    if (s.phase === 'thinking' && added) s.phase = 'streaming';
    if (added) this.emit({ type: 'append', stream: s, text: added });
  }

  /**
   * What the server holds now: every stream in flight with its text up to delta `index`. Streams
   * not listed are over; their final messages came before the snapshot (replay, page messages).
   */
  snapshot(streams: readonly { streamId: string; sender: Sender; startedAt: string; index: number; text: string }[]): void {
    const listed = new Set(streams.map((s) => s.streamId));
    for (const id of [...this.streams.keys()]) if (!listed.has(id)) this.remove(id);
    for (const snap of streams) {
      if (this.finished.has(snap.streamId)) continue;
      const s = this.streams.get(snap.streamId);
      if (!s) {
        this.add({ id: snap.streamId, sender: snap.sender, createdAt: snap.startedAt, text: snap.text, index: snap.index });
        continue;
      }
      if (snap.index <= s.index && s.text.startsWith(snap.text)) continue; // we are ahead of it (a slow poll)
      for (const at of [...s.ahead.keys()]) if (at <= snap.index) s.ahead.delete(at);
      if (snap.text.startsWith(s.text)) {
        // It continues what is shown: append the rest, then any delta that waited for it.
        const rest = snap.text.slice(s.text.length);
        s.index = snap.index - 1;
        this.delta(s.id, snap.index, rest);
        continue;
      }
      s.parts = snap.text ? [snap.text] : [];
      s.cachedText = undefined;
      s.index = snap.index;
      if (snap.text && s.phase === 'thinking') s.phase = 'streaming';
      this.emit({ type: 'reset', stream: s });
    }
  }

  /** The links the answer is based on (shown under it while it streams). */
  sources(id: string, sources: readonly AnswerSource[]): void {
    const s = this.streams.get(id);
    if (!s) return;
    s.sources = sources;
    this.emit({ type: 'update', stream: s });
  }

  /**
   * A stream ended without a final message reaching the timeline (nothing was written, or it
   * failed before any text): it goes away. With a message, {@link settle} removes it instead.
   */
  end(id: string): void {
    this.finished.add(id);
    this.remove(id);
  }

  /** Asks the server to stop the stream; its text stays until the server ends it. */
  stop(id: string): void {
    const s = this.streams.get(id);
    if (!s || s.phase === 'stopping') return;
    s.phase = 'stopping';
    this.emit({ type: 'update', stream: s });
    this.deps.requestStop(id);
  }

  /** A message reached the timeline: the stream it ends (`streamId`) goes away in the same update. */
  settle(message: { streamId?: string }): void {
    const id = message.streamId;
    if (id === undefined) return;
    this.finished.add(id);
    this.remove(id);
  }

  /** Forgets every stream (a new conversation, stop). */
  clear(): void {
    for (const id of [...this.streams.keys()]) this.remove(id);
    this.finished.clear();
  }

  private add(init: { id: string; sender: Sender; createdAt: string; text: string; index: number }): void {
    const stream: Stream = {
      id: init.id,
      sender: init.sender,
      createdAt: init.createdAt,
      phase: init.text ? 'streaming' : 'thinking',
      parts: init.text ? [init.text] : [],
      index: init.index,
      ahead: new Map(),
      sources: [],
      get text() {
        return (this.cachedText ??= this.parts.join(''));
      },
    };
    this.streams.set(stream.id, stream);
    this.emit({ type: 'reset', stream });
    this.deps.countChanged(this.streams.size);
  }

  private take(s: Stream, text: string): string {
    s.index++;
    if (!text) return '';
    s.parts.push(text);
    s.cachedText = undefined;
    return text;
  }

  private remove(id: string): void {
    if (!this.streams.delete(id)) return;
    this.emit({ type: 'remove', id });
    this.deps.countChanged(this.streams.size);
  }

  private emit(change: StreamChange): void {
    for (const fn of this.listeners) fn(change);
  }
}

/**
 * The assistant's fields of a message (`streamId`, `sources`, `stopped`, `interrupted`, `notice`,
 * `handoffOffer`), copied when present (the flags only when exactly `true`).
 */
export function assistantFields(m: {
  streamId?: string;
  sources?: readonly AnswerSource[];
  stopped?: boolean;
  interrupted?: boolean;
  notice?: boolean;
  handoffOffer?: boolean;
}): {
  streamId?: string;
  sources?: AnswerSource[];
  stopped?: boolean;
  interrupted?: boolean;
  notice?: boolean;
  handoffOffer?: boolean;
} {
  if (m.streamId === undefined && !m.sources && !m.stopped && !m.interrupted && !m.notice && !m.handoffOffer) return {};
  return {
    ...(m.streamId !== undefined ? { streamId: m.streamId } : {}),
    ...(m.sources?.length ? { sources: m.sources.map((s) => ({ title: s.title, url: s.url })) } : {}),
    ...(m.stopped === true ? { stopped: true } : {}),
    ...(m.interrupted === true && m.stopped !== true ? { interrupted: true } : {}),
    ...(m.notice === true ? { notice: true } : {}),
    ...(m.handoffOffer === true ? { handoffOffer: true } : {}),
  };
}
