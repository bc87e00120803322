import { ChatApi } from './api.js';
import { AssistantPart } from './assistant.js';
import { storeOf, type ChatServiceOptions } from './chat-options.js';
import type { ChatServiceEvent } from './chat-types.js';
import { systemClock, type Clock } from './clock.js';
import { Conversation } from './conversation.js';
import { Outbox } from './outbox.js';
import { SessionManager } from './session.js';
import { Snapshot } from './snapshot.js';
import type { ChatStore } from './store.js';
import { FollowerRole, LeaderRole } from './tab-roles.js';
import type { TabMessage, TabRole } from './tab-messages.js';
import { TabSync } from './tab-sync.js';
import { Tasks } from './tasks.js';
import { FIRST_PAGE, Timeline } from './timeline.js';
import { ChatTransport, type ConnectionState, type TransportKind } from './transport.js';
import { TypingIndicator } from './typing.js';

/** What the parts call on the service that owns them (its public front). */
export interface ChatFront {
  /** True once `start()` ran. */
  started(): boolean;
  stopped(): boolean;
  /** This tab's role right now. */
  role(): TabRole;
  /** The connection changed (this tab's transport, or the leader's as it says). */
  connection(state: ConnectionState, kind: TransportKind | undefined): void;
  /** A message from another tab of this visitor. */
  tabMessage(message: TabMessage): void;
  /** Queues the failed message `clientId` again. */
  retry(clientId: string): void;
  emit(event: ChatServiceEvent): void;
  warn(text: string, error?: unknown): void;
}

/** The parts of a chat, wired to each other. */
export interface ChatParts {
  clock: Clock;
  api: ChatApi;
  store: ChatStore;
  tasks: Tasks;
  snapshot: Snapshot;
  tabs: TabSync<TabMessage>;
  session: SessionManager;
  transport: ChatTransport;
  timeline: Timeline;
  outbox: Outbox;
  conversation: Conversation;
  typing: TypingIndicator;
  leader: LeaderRole;
  follower: FollowerRole;
  assistant: AssistantPart;
}

/**
 * Builds the parts of a `ChatService` from its options and connects each to the others through
 * the narrow hooks it declares (`TimelineDeps`, `OutboxDeps`, …): the one place that knows them
 * all, so no part imports another's class except to call it.
 */
export function createParts(options: ChatServiceOptions, front: ChatFront): ChatParts {
  const clock = options.clock ?? systemClock;
  const api = new ChatApi(options);
  const { store, tenantKey } = storeOf(options);
  const tasks = new Tasks();
  // The parts are made one after the other; hooks that reach a later one run only after all exist.
  const parts = { clock, api, store, tasks } as ChatParts;
  const state = (parts.snapshot = new Snapshot(() => ({ stored: parts.timeline.messages, local: parts.outbox.messages() })));
  const tabs = (parts.tabs = new TabSync<TabMessage>(
    `amoiq-chat:${options.dbName ?? 'amoiq-chat'}:${tenantKey}`,
    options.tabs === false ? { locks: undefined, BroadcastChannel: undefined } : options.tabs,
  ));
  tabs.onMessage((m) => front.tabMessage(m));
  const typing = (parts.typing = new TypingIndicator(state, clock));
  const fingerprint = options.fingerprint
    ? (options.fingerprintFn ?? (() => import('./fingerprint.js').then((m) => m.coarseFingerprint())))
    : undefined;
  const session = (parts.session = new SessionManager({
    ...{ api, store, clock, fingerprint, identity: options.identity },
    // With nothing of the conversation held, the session answer brings its newest page.
    history: () => (parts.timeline.size === 0 ? FIRST_PAGE : undefined),
    onSession: (s, history) => {
      parts.assistant.sessionChanged(s);
      parts.conversation.sessionChanged(s, history);
    },
  }));
  const warn = (text: string) => front.warn(text);
  const stopped = () => front.stopped();
  // The transport runs in the leader only: what it hears, the other tabs hear too.
  const transport = (parts.transport = new ChatTransport({
    ...options.transport,
    ...{ api, session, clock, WebSocket: options.WebSocket },
    cursor: () => parts.timeline.cursor,
    streamCursor: () => parts.assistant.streamCursor(),
    // With nothing cached, show the newest page first and resume the connection from it.
    prepare: async (s) => {
      if (s.conversationId === state.state.conversationId) await parts.timeline.fetchLatest(s.lastSeq);
    },
    listener: {
      message: (message) => {
        parts.timeline.accept(message, true);
        tabs.post({ type: 'message', message });
      },
      replayed: (messages) => {
        parts.timeline.acceptAll(messages, 'replay');
        tabs.post({ type: 'messages', messages, newsAfter: parts.timeline.newsAfter });
      },
      connected: (lastSeq) => parts.timeline.connected(lastSeq),
      typing: (sender, is) => {
        typing.set(sender, is);
        tabs.post({ type: 'typing', sender, typing: is });
      },
      state: (connection, kind) => {
        front.connection(connection, kind);
        tabs.post({ type: 'connection', connection, transport: kind });
      },
      warning: (text, error) => front.warn(text, error),
      voice: (frame) => front.emit({ type: 'voice', frame }),
      lifecycle: (change) => {
        parts.conversation.handleChange(change);
        if (change.type === 'page') parts.assistant.page(change.page);
      },
      assistant: (frame) => parts.assistant.handleFrame(frame),
    },
  }));
  const timeline = (parts.timeline = new Timeline({
    ...{ state, store, clock, tasks, warn },
    fetchPage: (query) => session.withSession((s) => api.listMessages(s.token, { conversationId: s.conversationId, ...query })),
    requestReplay: (after) => transport.requestReplay(after),
    settle: (clientId) => parts.outbox.settle(clientId),
    settled: (clientIds) => parts.outbox.forget(clientIds),
    arrived: (m, live) => {
      parts.assistant.arrived(m);
      parts.conversation.noticed(m, live);
      typing.answered(m.sender);
    },
    added: (message, live) =>
      live && front.emit({ type: 'message', message, direction: message.sender.type === 'visitor' ? 'sent' : 'received' }),
  }));
  const outbox = (parts.outbox = new Outbox({
    ...{ state, store, clock, tasks },
    canSend: () => transport.state === 'online' && state.state.conversationStatus !== 'closed',
    send: (entry) =>
      transport.send(
        entry.clientId,
        entry.text,
        entry.attachments?.map((a) => a.id),
      ),
    delivered: (message) => {
      timeline.accept(message, true);
      tabs.post({ type: 'message', message });
    },
    closed: () => parts.conversation.apply({ status: 'closed' }),
    failedChanged: (failed) => tabs.post({ type: 'failed', failed }),
    error: (code, message) => front.emit({ type: 'error', code, message }),
    isStored: (clientId) => timeline.holds(clientId),
  }));
  parts.assistant = new AssistantPart({
    ...{ state, api, session, store, clock },
    accept: (message) => timeline.accept(message, true),
    post: (frame) => tabs.post({ type: 'assistant', frame }),
    postFeedback: (conversationId, feedback) => tabs.post({ type: 'feedback', conversationId, feedback }),
    leads: () => front.role().leads,
    escalation: (handoff, previous) => front.emit({ type: 'escalation', handoff, previous }),
    warn,
  });
  const conversation = (parts.conversation = new Conversation({
    ...{ state, store, api, session, transport, timeline, outbox, tasks, warn, stopped },
    role: () => front.role(),
    post: (m) => tabs.post(m),
    emit: (event) => front.emit(event),
  }));
  const context = {
    ...{ state, tabs, session, transport, timeline, outbox, conversation, tasks, warn, stopped },
    started: () => front.started(),
    connection: (connection: ConnectionState, kind: TransportKind | undefined) => front.connection(connection, kind),
    typing: (sender: Parameters<TypingIndicator['set']>[0], is: boolean) => typing.set(sender, is),
    retry: (clientId: string) => front.retry(clientId),
  };
  parts.leader = new LeaderRole(context);
  parts.follower = new FollowerRole(context);
  return parts;
}
