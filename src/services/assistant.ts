import { decodeHandoff, decodeStreams, type AssistantServerFrame, type Handoff } from '../protocol/assistant.js';
import { ApiError, type SessionInfo, type WireMessage } from '../protocol/v1.js';
import { AssistantStreams } from './assistant-stream.js';
import type { ChatApi } from './api.js';
import type { StateHolder } from './chat-types.js';
import type { SessionManager } from './session.js';
import type { ChatStore, FeedbackRecord } from './store.js';
import type { Clock } from './clock.js';

/** What {@link AssistantPart} needs from the chat (wired in chat-parts.ts). */
export interface AssistantDeps {
  state: StateHolder;
  api: ChatApi;
  session: SessionManager;
  /** Where the feedback sent on each answer is kept (per conversation). */
  store: ChatStore;
  clock: Clock;
  /** Puts a stored message into the timeline (the final message of a stream). */
  accept(message: WireMessage): void;
  /** Tells the other tabs (the leader forwards what it hears). */
  post(frame: AssistantServerFrame): void;
  /** Tells the other tabs the feedback this one sent (the conversation's, as stored). */
  postFeedback(conversationId: string, feedback: Record<string, FeedbackRecord>): void;
  /** True while this tab holds the connection. */
  leads(): boolean;
  /** The handoff state changed: queued, assigned (or another agent), back with the assistant. */
  escalation(handoff: Handoff, previous: Handoff['state'] | undefined): void;
  warn(text: string): void;
}

/** A transcript as `ChatService.transcript()` gives it. */
export interface Transcript {
  /** `transcript-<conversationId>.txt` or `.html`, as the server names it. */
  filename: string;
  type: string;
  blob: Blob;
}

/**
 * The assistant's side of a chat (no DOM): its streamed answers ({@link AssistantStreams}), the
 * handoff state (`ChatState.handoff`: with the assistant, queued with position and wait, assigned
 * to an agent), and the visitor's requests — escalate, stop, feedback, rating, transcript — made
 * over HTTP through `withSession`. The leader tab hears the frames and forwards them to the other
 * tabs, which apply them the same way, so every tab shows the same streams.
 */
export class AssistantPart {
  readonly streams: AssistantStreams;

  constructor(private readonly deps: AssistantDeps) {
    this.streams = new AssistantStreams({
      requestStop: (streamId) => void this.requestStop(streamId),
      countChanged: (count) => {
        if (!!count === !!deps.state.state.streaming) return;
        deps.state.patch({ streaming: count > 0 });
        deps.state.publish();
      },
    });
  }

  /**
   * A session answer: the conversation's handoff state. (The site's assistant, `config.assistant`,
   * is read with the rest of the session's config by `Conversation`, from stored sessions too.)
   */
  sessionChanged(session: SessionInfo): void {
    const handoff = decodeHandoff((session as SessionInfo & { handoff?: unknown }).handoff);
    const { state } = this.deps;
    if (state.state.conversationId !== undefined && state.state.conversationId !== session.conversationId) this.streams.clear();
    if (handoff) this.setHandoff(handoff, false);
  }

  /** An assistant frame: from this tab's connection (leader) or forwarded by the leader. */
  handleFrame(frame: AssistantServerFrame, forward = this.deps.leads()): void {
    const { state } = this.deps;
    if (frame.conversationId !== state.state.conversationId) return;
    if (forward) this.deps.post(frame);
    switch (frame.type) {
      case 'stream_start':
        this.streams.start(frame.streamId, frame.sender, frame.startedAt);
        break;
      case 'stream_delta':
        this.streams.delta(frame.streamId, frame.index, frame.text);
        break;
      case 'streams':
        this.streams.snapshot(frame.streams);
        break;
      case 'stream_end':
        // The message replaces the stream in one update (Timeline → settle); without one it just goes.
        if (frame.message) this.deps.accept(frame.message);
        this.streams.end(frame.streamId);
        break;
      case 'handoff':
        this.setHandoff(frame.handoff);
        break;
    }
  }

  /** A long-poll page: its `streams` snapshot and `handoff` state (after its messages were placed). */
  page(page: unknown): void {
    const conversationId = this.deps.state.state.conversationId;
    if (!conversationId || typeof page !== 'object' || page === null) return;
    const { streams, handoff } = page as { streams?: unknown; handoff?: unknown };
    if (Array.isArray(streams)) this.handleFrame({ type: 'streams', conversationId, streams: decodeStreams(streams) });
    const decoded = decodeHandoff(handoff);
    if (decoded && JSON.stringify(decoded) !== JSON.stringify(this.deps.state.state.handoff))
      this.handleFrame({ type: 'handoff', conversationId, handoff: decoded });
  }

  /**
   * The streams shown, as the long poll's `stream=` (`<streamId>:<index>`, comma-separated, in the
   * order they started), so a poll continues them instead of answering at once; undefined: none.
   */
  streamCursor(): string | undefined {
    const shown = this.streams.active.map((s) => `${s.id}:${s.index}`);
    return shown.length ? shown.join(',') : undefined;
  }

  /** A message reached the timeline: the stream it ends goes away. */
  arrived(message: { streamId?: string }): void {
    this.streams.settle(message);
  }

  /** What a tab that just opened needs: the streams in flight and the handoff state (leader only). */
  announce(): void {
    const { conversationId, handoff } = this.deps.state.state;
    if (!conversationId) return;
    const streams = this.streams.active.map((s) => ({
      streamId: s.id,
      sender: s.sender,
      replyTo: 0,
      startedAt: s.createdAt,
      index: s.index,
      text: s.text,
    }));
    this.deps.post({ type: 'streams', conversationId, streams });
    if (handoff) this.deps.post({ type: 'handoff', conversationId, handoff: this.handoffNow(handoff) });
  }

  /**
   * Asks for a person (`POST /api/chat/escalate`): the conversation joins the queue and the
   * assistant stops answering. Resolves with the new handoff state.
   */
  async escalate(reason?: string, metadata?: Record<string, string>): Promise<Handoff> {
    const answer = await this.call<{ handoff?: unknown }>('/api/chat/escalate', (conversationId) => ({
      conversationId,
      ...(reason ? { reason } : {}),
      ...(metadata ? { metadata } : {}),
    }));
    const handoff = decodeHandoff(answer?.handoff);
    if (!handoff) throw new ApiError(200, 'bad_response', 'Server answer: handoff is malformed');
    this.setHandoff(handoff);
    return handoff;
  }

  /** Stops the answer being written now (or stream `streamId`); its text so far is kept. */
  stop(streamId = this.streams.current?.id): void {
    if (streamId) this.streams.stop(streamId);
  }

  /**
   * Says whether an assistant answer helped (`POST /api/chat/feedback`). Once the server took it,
   * it is kept (IndexedDB, per conversation) and shown as `state.feedback`, here and in the other
   * tabs: the protocol leaves remembering what was sent to the client.
   */
  async feedback(messageId: string, helpful: boolean, comment?: string): Promise<void> {
    const given: FeedbackRecord = { helpful, ...(comment ? { comment } : {}) };
    const conversationId = await this.deps.session.withSession(async (s) => {
      await this.deps.api.fetchJson('POST', '/api/chat/feedback', s.token, { conversationId: s.conversationId, messageId, ...given });
      return s.conversationId;
    });
    // Shown at once; the stored copy (merged with other tabs' in one transaction) follows.
    this.feedbackChanged(conversationId, { ...this.deps.state.state.feedback, [messageId]: given });
    const all = await this.deps.store.setFeedback(conversationId, messageId, given);
    this.feedbackChanged(conversationId, all);
    this.deps.postFeedback(conversationId, all);
  }

  /** The feedback of `conversationId` changed (here, or in another tab). */
  feedbackChanged(conversationId: string, feedback: Record<string, FeedbackRecord>): void {
    const { state } = this.deps;
    if (conversationId !== state.state.conversationId) return;
    state.patch({ feedback });
    state.publish();
  }

  /** Rates the closed conversation 1–5 (`POST /api/chat/rating`). */
  async rate(score: number, comment?: string): Promise<void> {
    if (!Number.isInteger(score) || score < 1 || score > 5) throw new RangeError('A rating is a whole number from 1 to 5.');
    await this.call('/api/chat/rating', (conversationId) => ({ conversationId, score, ...(comment ? { comment } : {}) }));
  }

  /** The conversation's transcript (`GET /api/chat/transcript`), as plain text or HTML. */
  transcript(format: 'text' | 'html' = 'text'): Promise<Transcript> {
    return this.deps.session.withSession(async (s) => {
      const query = new URLSearchParams({ conversationId: s.conversationId, format });
      const res = await this.deps.api.fetchRaw('GET', `/api/chat/transcript?${query}`, s.token);
      const disposition = /filename="([^"]+)"/.exec(res.headers.get('Content-Disposition') ?? '')?.[1];
      const type = format === 'html' ? 'text/html' : 'text/plain';
      return {
        filename: disposition ?? `transcript-${s.conversationId}.${format === 'html' ? 'html' : 'txt'}`,
        type,
        blob: await res.blob(),
      };
    });
  }

  /** Has the transcript e-mailed (`POST /api/chat/transcript/email`); resolves with whether it went out. */
  async emailTranscript(email: string): Promise<boolean> {
    const answer = await this.call<{ delivered?: unknown }>('/api/chat/transcript/email', (conversationId) => ({ conversationId, email }));
    return answer?.delivered === true;
  }

  /** Forgets the streams (the service stops or moves to another conversation). */
  clear(): void {
    this.streams.clear();
  }

  /**
   * Keeps the handoff state; a new state (or agent) is an escalation event too. The time it came
   * is kept with it (`handoffAt`) while the queue position and estimate stay the same, so the
   * estimate counts down from when the server first gave it, not from its last repetition (after
   * a reconnect, say).
   */
  private setHandoff(handoff: Handoff, publish = true): void {
    const before = this.deps.state.state.handoff;
    const same =
      before?.state === handoff.state &&
      before.position === handoff.position &&
      before.estimatedWaitSeconds === handoff.estimatedWaitSeconds;
    this.deps.state.patch({ handoff, handoffAt: same ? this.deps.state.state.handoffAt : this.deps.clock.now() });
    if (publish) this.deps.state.publish();
    if (before && (before.state !== handoff.state || before.agent?.id !== handoff.agent?.id)) this.deps.escalation(handoff, before.state);
  }

  /** The handoff state for a tab that opens now: the estimated wait less the time since it was given. */
  private handoffNow(handoff: Handoff): Handoff {
    const wait = handoff.estimatedWaitSeconds;
    const since = this.deps.state.state.handoffAt;
    if (typeof wait !== 'number' || since === undefined) return handoff;
    return { ...handoff, estimatedWaitSeconds: Math.max(0, Math.round(wait - (this.deps.clock.now() - since) / 1000)) };
  }

  private async requestStop(streamId: string): Promise<void> {
    try {
      await this.call('/api/chat/assistant/stop', (conversationId) => ({ conversationId, streamId }));
    } catch (err) {
      // It may have ended meanwhile; its end frame settles what the visitor sees either way.
      this.deps.warn(`Could not stop the answer: ${(err as Error).message}`);
    }
  }

  private call<T>(path: string, body: (conversationId: string) => Record<string, unknown>): Promise<T | undefined> {
    return this.deps.session.withSession(
      (s) => this.deps.api.fetchJson('POST', path, s.token, body(s.conversationId)) as Promise<T | undefined>,
    );
  }
}
