import { decodeAssistantConfig } from '../protocol/assistant.js';
import type { MessagePage, SessionInfo, WireMessage } from '../protocol/v1.js';
import type { ChatApi } from './api.js';
import type { ChatServiceEvent, ChatState, ContactDetails, StateHolder } from './chat-types.js';
import type { Outbox } from './outbox.js';
import type { SessionManager } from './session.js';
import type { ChatStore } from './store.js';
import type { TabMessage, TabRole } from './tab-messages.js';
import type { Tasks } from './tasks.js';
import type { Timeline } from './timeline.js';
import type { ChatTransport, LifecycleChange } from './transport.js';

/** What a {@link Conversation} needs from the rest of the chat. */
export interface ConversationDeps {
  state: StateHolder;
  store: ChatStore;
  api: ChatApi;
  session: SessionManager;
  transport: ChatTransport;
  timeline: Timeline;
  outbox: Outbox;
  tasks: Tasks;
  /** This tab's role right now. */
  role(): TabRole;
  post(message: TabMessage): void;
  emit(event: ChatServiceEvent): void;
  warn(text: string): void;
  stopped(): boolean;
}

/**
 * The life of the visitor's conversation: which one it is (from the session, loaded from the
 * cache first), its status (open or closed by an agent) and the agents' presence, the read marks
 * in both directions, leaving a closed conversation for a new one, and the contact details the
 * visitor gives.
 */
export class Conversation {
  /** The newest sequence number reported (or known) as read by the visitor. */
  visitorReadSeq = 0;
  /** Loading of the conversation a new session pointed to. */
  private loading?: Promise<void>;
  /** The running {@link startNew}, if any. */
  private starting?: Promise<void>;

  constructor(private readonly deps: ConversationDeps) {}

  /**
   * A session arrived from the server (SessionManager's `onSession`), with the conversation's
   * newest page when the answer carried one (then no page is fetched).
   */
  sessionChanged(session: SessionInfo, history?: MessagePage): void {
    const { state, timeline, outbox, tasks } = this.deps;
    const previous = state.state.conversationId;
    if (session.conversationId !== previous) {
      // A new conversation (first visit, or the old one was closed): start from its history.
      this.loading = tasks.run(
        this.load(session).then(async () => {
          if (!(await timeline.fetchLatest(session.lastSeq)) && outbox.size) void tasks.run(outbox.drain());
        }),
      );
      // The newest page at once, beside the store's reads (load() has cleared the timeline and
      // named the conversation synchronously): a cached copy, if any, joins it by seq.
      if (timeline.size === 0 && session.lastSeq > 0) void tasks.run(timeline.fetchLatest(session.lastSeq, history));
      // First visit: followers that started before it existed know no conversation. They load it
      // from the session stored meanwhile. (A later new conversation is announced by startNew.)
      if (!previous) this.deps.role().conversationStarted(session.conversationId);
      return;
    }
    state.patch(sessionFields(session));
    this.apply(session);
    state.publish();
    if (timeline.size === 0 && session.lastSeq > 0) void tasks.run(timeline.fetchLatest(session.lastSeq, history));
  }

  /**
   * Shows the conversation `session` names: its cached messages, its stored outbox (merged with
   * what the visitor typed meanwhile), its contact details and the feedback given on its answers.
   */
  async load(session: SessionInfo): Promise<void> {
    const { state, store, timeline, outbox } = this.deps;
    const previousId = state.state.conversationId;
    if (session.conversationId !== previousId) {
      timeline.clear();
      this.visitorReadSeq = 0;
      state.patch({ contact: undefined, feedback: undefined });
    }
    // Set synchronously: live frames for this conversation may arrive while the store answers.
    state.patch({ ...sessionFields(session), conversationId: session.conversationId });
    this.apply(session);
    const [messages, stored, contact, feedback] = await Promise.all([
      store.getMessages(session.conversationId),
      store.getOutbox(session.conversationId),
      store.getContact(session.conversationId),
      store.getFeedback(session.conversationId),
    ]);
    if (state.state.conversationId !== session.conversationId) return;
    if (contact && !state.state.contact) state.patch({ contact });
    // Feedback sent while the store answered is newer than what it held.
    if (Object.keys(feedback).length) state.patch({ feedback: { ...feedback, ...state.state.feedback } });
    // Messages queued in the previous conversation (closed meanwhile) move to this one.
    if (previousId && previousId !== session.conversationId && outbox.size) await store.setOutbox(previousId, []);
    timeline.restore(messages);
    // Merge rather than replace: the visitor may have typed before the store answered.
    const typedBefore = outbox.merge(stored);
    state.publish();
    if (typedBefore.length) {
      await outbox.persist(typedBefore);
      this.deps.role().queued();
    }
  }

  /**
   * Reports that the visitor has seen the conversation up to its newest message, once per new
   * newest sequence number (see `ChatService.markRead`).
   */
  markRead(): void {
    const newest = this.deps.timeline.newestSeq;
    if (newest <= this.visitorReadSeq || this.deps.stopped()) return;
    this.deps.role().read(newest);
  }

  /** Reports `seq` as read through the transport (leader); on failure the next markRead tries again. */
  reportRead(seq: number): void {
    if (seq <= this.visitorReadSeq) return;
    const previous = this.visitorReadSeq;
    this.visitorReadSeq = seq;
    void this.deps.tasks.run(
      this.deps.transport.sendRead(seq).then(
        () => this.deps.role().lifecycleChanged(),
        () => {
          if (this.visitorReadSeq === seq) this.visitorReadSeq = previous;
        },
      ),
    );
  }

  /** Leaves a closed conversation for a new one (leader; one at a time). */
  startNew(): Promise<void> {
    return (this.starting ??= this.openNew().finally(() => (this.starting = undefined)));
  }

  /** Sends contact details for the current conversation and keeps them (see `ChatService.submitContact`). */
  async submitContact(details: ContactDetails, source: 'pre-chat' | 'away'): Promise<void> {
    const { state, store, api, session } = this.deps;
    const clean = cleanContact(details);
    const id = await session.withSession(async (s) => {
      await api.postContact(s.token, s.conversationId, clean);
      return s.conversationId;
    });
    const before = state.state.conversationId === id ? state.state.contact : await store.getContact(id);
    const contact: ContactDetails = {
      ...before,
      ...clean,
      ...(before?.fields || clean.fields ? { fields: { ...before?.fields, ...clean.fields } } : {}),
    };
    await store.setContact(id, contact);
    this.contactChanged(id, contact);
    this.deps.post({ type: 'contact', conversationId: id, contact });
    this.deps.emit({ type: 'contact', contact: clean, source });
  }

  /** Contact details of `conversationId` were stored (here or in another tab). */
  contactChanged(conversationId: string, contact: ContactDetails): void {
    if (conversationId === this.deps.state.state.conversationId) this.deps.state.patch({ contact });
    this.deps.state.publish();
  }

  /** A message joined the timeline: a live notice of closing or reopening changes the status at once (the status frame may follow). */
  noticed(m: WireMessage, live: boolean): void {
    if (live && m.event === 'closed') this.deps.state.patch({ conversationStatus: 'closed' });
    if (live && m.event === 'reopened') this.deps.state.patch({ conversationStatus: 'open' });
  }

  /** A `status`, `presence` or `read` frame, or a long-poll page, from the transport. */
  handleChange(change: LifecycleChange): void {
    const conversationId = this.deps.state.state.conversationId;
    switch (change.type) {
      case 'status':
        if (change.conversationId === conversationId) this.apply({ status: change.status });
        break;
      case 'presence':
        this.apply({ agentsOnline: change.agentsOnline });
        break;
      case 'read':
        if (change.conversationId !== conversationId) break;
        if (change.reader === 'agent') this.apply({ agentReadSeq: change.seq });
        else if (change.seq > this.visitorReadSeq) {
          // Read in another browser of this visitor: no need to report it again.
          this.visitorReadSeq = change.seq;
          this.deps.role().lifecycleChanged();
        }
        break;
      case 'page':
        this.apply(change.page);
        break;
    }
  }

  /** Takes status, presence and the agent's read mark from any source. */
  apply(change: Pick<MessagePage, 'status' | 'agentsOnline' | 'agentReadSeq'>): void {
    const { state, timeline } = this.deps;
    let changed = false;
    const wasClosed = state.state.conversationStatus === 'closed';
    if (change.status && change.status !== state.state.conversationStatus) {
      state.patch({ conversationStatus: change.status });
      changed = true;
    }
    if (change.agentsOnline !== undefined && change.agentsOnline !== state.state.agentsOnline) {
      state.patch({ agentsOnline: change.agentsOnline });
      changed = true;
    }
    if (change.agentReadSeq !== undefined && timeline.markReadByAgent(change.agentReadSeq)) changed = true;
    if (!changed) return;
    state.publish();
    this.deps.role().lifecycleChanged();
    if (wasClosed && state.state.conversationStatus === 'open') this.deps.role().reopened();
  }

  /** The leader's view of status, presence and read marks, for the other tabs. */
  lifecycleMessage(): TabMessage | undefined {
    const { state } = this.deps.state;
    if (!state.conversationId) return undefined;
    return {
      type: 'lifecycle',
      conversationId: state.conversationId,
      status: state.conversationStatus,
      agentsOnline: state.agentsOnline,
      agentReadSeq: this.deps.timeline.agentReadSeq,
      visitorReadSeq: this.visitorReadSeq,
    };
  }

  private async openNew(): Promise<void> {
    const { session, transport } = this.deps;
    const next = await session.startNew();
    await this.loading;
    this.apply(next);
    // The connection belongs to the old conversation's session: open one for the new session.
    transport.stop();
    if (!this.deps.stopped()) transport.start();
    this.deps.post({ type: 'conversation', conversationId: next.conversationId });
    this.deps.role().lifecycleChanged();
    this.deps.emit({ type: 'new-conversation', conversationId: next.conversationId });
  }
}

/**
 * What the state takes from a session, whether the server just answered it or it was stored
 * (a reload, a follower loading the leader's): the one place both paths read it, so a restored
 * session shows the same site as a renewed one — the assistant's banner and "Talk to a person"
 * included, hours before the token is renewed. The handoff state is not among them: a stored
 * one is as old as the token, and the server sends the current one right after `ready`.
 */
function sessionFields(session: SessionInfo): Pick<ChatState, 'visitorId' | 'remoteConfig' | 'assistant'> {
  const config = session.config ?? {};
  return { visitorId: session.visitorId, remoteConfig: config, assistant: decodeAssistantConfig(config.assistant) };
}

/** The details with surrounding spaces trimmed and empty values left out. */
function cleanContact(details: ContactDetails): ContactDetails {
  const clean: ContactDetails = {};
  if (details.name?.trim()) clean.name = details.name.trim();
  if (details.email?.trim()) clean.email = details.email.trim();
  const fields = Object.entries(details.fields ?? {}).filter(([, v]) => typeof v === 'string' && v.trim());
  if (fields.length) clean.fields = Object.fromEntries(fields.map(([k, v]) => [k, v.trim()]));
  return clean;
}
