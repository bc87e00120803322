import type { Sender, WireMessage } from '../protocol/v1.js';
import type { StateHolder } from './chat-types.js';
import type { Conversation } from './conversation.js';
import type { Outbox } from './outbox.js';
import type { SessionManager } from './session.js';
import type { TabMessage, TabRole } from './tab-messages.js';
import type { Tasks } from './tasks.js';
import type { Timeline } from './timeline.js';
import type { ChatTransport, ConnectionState, TransportKind } from './transport.js';

/** What the roles act on: the parts of the chat, and the few service actions they trigger. */
export interface RoleContext {
  state: StateHolder;
  tabs: { post(message: TabMessage): void; readonly shared: boolean };
  session: SessionManager;
  transport: ChatTransport;
  timeline: Timeline;
  outbox: Outbox;
  conversation: Conversation;
  tasks: Tasks;
  /** True once `ChatService.start()` ran. */
  started(): boolean;
  stopped(): boolean;
  /** The connection changed (the leader's, as it tells the other tabs). */
  connection(state: ConnectionState, transport: TransportKind | undefined): void;
  /** The other side is (or stopped) typing. */
  typing(sender: Sender, typing: boolean): void;
  /** Queues the failed message `clientId` again. */
  retry(clientId: string): void;
  warn(text: string): void;
}

/**
 * The tab that holds the visitor's one connection: it sends, reports and tells the other tabs
 * what happened, and answers what they ask.
 */
export class LeaderRole implements TabRole {
  readonly leads = true;

  constructor(private readonly ctx: RoleContext) {}

  handle(m: TabMessage): void {
    const { ctx } = this;
    switch (m.type) {
      case 'hello':
        ctx.tabs.post({
          type: 'state',
          connection: ctx.state.state.connection,
          transport: ctx.state.state.transport,
          conversationId: ctx.state.state.conversationId,
          messages: ctx.state.state.conversationId ? ctx.timeline.wire() : [],
          failed: ctx.outbox.failed,
        });
        this.lifecycleChanged();
        break;
      case 'outbox':
        void ctx.tasks.run(ctx.outbox.reload());
        break;
      case 'retry':
        ctx.retry(m.clientId);
        break;
      case 'visitor-typing':
        ctx.transport.sendTyping(m.typing);
        break;
      case 'read':
        ctx.conversation.reportRead(m.seq);
        break;
      case 'new-conversation':
        void ctx.tasks.run(ctx.conversation.startNew());
        break;
      default:
        break; // what the leader itself announces
    }
  }

  queued(): void {
    void this.ctx.tasks.run(this.ctx.outbox.drain());
  }

  retried(): void {
    this.ctx.tabs.post({ type: 'failed', failed: this.ctx.outbox.failed });
  }

  read(seq: number): void {
    this.ctx.conversation.reportRead(seq);
  }

  typing(typing: boolean): void {
    this.ctx.transport.sendTyping(typing);
  }

  startNewConversation(): Promise<void> {
    return this.ctx.conversation.startNew();
  }

  conversationStarted(conversationId: string): void {
    this.ctx.tabs.post({ type: 'conversation', conversationId });
  }

  lifecycleChanged(): void {
    const message = this.ctx.conversation.lifecycleMessage();
    if (message) this.ctx.tabs.post(message);
  }

  reopened(): void {
    if (this.ctx.outbox.size) void this.ctx.tasks.run(this.ctx.outbox.drain());
  }
}

/**
 * A tab that follows the leader: it shows what the leader tells and hands the visitor's actions
 * to it. On a first visit it may start before any conversation exists; it then takes the one the
 * leader names ({@link FollowerRole.adopt}).
 */
export class FollowerRole implements TabRole {
  readonly leads = false;
  /** A running {@link adopt}. */
  private adopting?: Promise<void>;
  /** Live messages of the batch being handled, placed together (one publish, one cache save). */
  private live: WireMessage[] = [];

  constructor(private readonly ctx: RoleContext) {}

  handle(m: TabMessage): void {
    const { ctx } = this;
    if (m.type === 'message') {
      this.adopt(m.message.conversationId);
      // The leader's batch arrives as one task: its messages join the timeline together at the end of it.
      if (this.live.push(m.message) === 1) queueMicrotask(() => this.acceptLive());
      return;
    }
    // Whatever follows them in the batch applies to them (read marks, status): place them first.
    this.acceptLive();
    switch (m.type) {
      case 'state':
        ctx.connection(m.connection, m.transport);
        // A leader of an older version sends no conversationId: fall back on its messages.
        this.adopt(m.conversationId ?? m.messages[0]?.conversationId);
        ctx.timeline.acceptAll(m.messages, 'history');
        ctx.outbox.failed = m.failed;
        ctx.state.publish();
        break;
      case 'messages':
        this.adopt(m.messages[0]?.conversationId);
        if (m.newsAfter !== undefined) ctx.timeline.connected(m.newsAfter);
        ctx.timeline.acceptAll(m.messages, 'replay');
        break;
      case 'connection':
        ctx.connection(m.connection, m.transport);
        break;
      case 'typing':
        ctx.typing(m.sender, m.typing);
        break;
      case 'failed':
        ctx.outbox.failed = m.failed;
        ctx.state.publish();
        break;
      case 'lifecycle':
        this.adopt(m.conversationId);
        if (m.conversationId !== ctx.state.state.conversationId) break;
        ctx.conversation.apply({ status: m.status, agentsOnline: m.agentsOnline, agentReadSeq: m.agentReadSeq });
        ctx.conversation.visitorReadSeq = Math.max(ctx.conversation.visitorReadSeq, m.visitorReadSeq);
        break;
      case 'conversation':
        if (!ctx.state.state.conversationId) this.adopt(m.conversationId);
        else if (m.conversationId !== ctx.state.state.conversationId) {
          void ctx.tasks.run(
            ctx.session.reload().then((s) => {
              if (s?.conversationId === m.conversationId) return ctx.conversation.load(s);
            }),
          );
        }
        break;
      default:
        break; // what followers ask the leader
    }
  }

  /** Places the live messages heard so far. */
  private acceptLive(): void {
    if (!this.live.length) return;
    const messages = this.live;
    this.live = [];
    this.ctx.timeline.acceptAll(messages, 'live');
  }

  queued(): void {
    const { ctx } = this;
    // A follower that knows no conversation yet looks whether the leader stored one meanwhile.
    if (!ctx.state.state.conversationId && ctx.started() && ctx.tabs.shared) this.adopt(undefined);
    ctx.tabs.post({ type: 'outbox' });
  }

  retried(clientId: string): void {
    this.ctx.tabs.post({ type: 'retry', clientId });
  }

  read(seq: number): void {
    this.ctx.conversation.visitorReadSeq = seq;
    this.ctx.tabs.post({ type: 'read', seq });
  }

  typing(typing: boolean): void {
    this.ctx.tabs.post({ type: 'visitor-typing', typing });
  }

  startNewConversation(): Promise<void> {
    this.ctx.tabs.post({ type: 'new-conversation' });
    return Promise.resolve();
  }

  conversationStarted(): void {
    // Only the leader announces conversations.
  }

  lifecycleChanged(): void {
    // Only the leader tells the other tabs.
  }

  reopened(): void {
    // The leader sends what waited.
  }

  /**
   * Without a conversation (a first visit: the leader created it after this tab found the store
   * empty), takes the one the leader names, and loads it the normal way from the session the
   * leader stored: that also writes what the visitor typed meanwhile to the IndexedDB outbox and
   * tells the leader to send it. Without an id (a message typed before any was heard of), it only
   * looks whether the leader stored a session meanwhile.
   */
  private adopt(conversationId: string | undefined): void {
    const { ctx } = this;
    if (ctx.state.state.conversationId || ctx.stopped()) return;
    // Set at once, so the leader's messages for it (in the same tab message) are accepted.
    if (conversationId) ctx.state.patch({ conversationId });
    const adopting = (this.adopting ??= ctx.tasks.run(
      ctx.session
        .reload()
        .then(async (first) => {
          let s = first;
          const id = ctx.state.state.conversationId;
          // Named while an earlier look was under way: the leader stored its session before naming it.
          if (id && s?.conversationId !== id) s = await ctx.session.reload();
          if (ctx.stopped() || ctx.state.state.conversationId !== id) return;
          if (s && (!id || s.conversationId === id)) {
            await ctx.conversation.load(s);
          } else if (id && ctx.outbox.size) {
            // The stored session is not (yet) this one: still keep what was typed, for the leader.
            await ctx.outbox.persist();
            ctx.tabs.post({ type: 'outbox' });
          }
        })
        .catch((err: Error) => ctx.warn(`Could not load the conversation: ${err.message}`))
        .finally(() => {
          if (this.adopting === adopting) this.adopting = undefined;
        }),
    ));
  }
}
