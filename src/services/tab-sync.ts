/** The browser APIs TabSync uses, injectable for tests. */
export interface TabSyncDeps {
  locks?: Pick<LockManager, 'request'>;
  BroadcastChannel?: typeof BroadcastChannel;
  /** Runs `fn` once the current task and those already queued are done (default: a MessageChannel task). */
  afterTasks?: (fn: () => void) => void;
}

/**
 * Runs `fn` in a task of its own, queued now: after the tasks already waiting (the WebSocket frames
 * of a burst that arrived together). A MessageChannel task, unlike a timer, is not throttled in a
 * hidden tab — the leader is often the tab in the background.
 */
function afterQueuedTasks(fn: () => void): void {
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    fn();
  };
  channel.port2.postMessage(null);
}

/**
 * Makes the tabs of one visitor share one connection. Every tab asks for the same Web Lock; the
 * one that holds it is the leader and runs the transport, the others follow and hear everything
 * through a BroadcastChannel. When the leader's tab closes, the browser releases its lock at once
 * and the next tab in line takes over. Without Web Locks or BroadcastChannel every tab leads
 * alone, as before.
 *
 * It carries any message type `M` (structured-cloneable); the chat's is `TabMessage`
 * (tab-messages.ts). Posts are batched: what is posted during one task and the tasks already
 * queued behind it (a burst of WebSocket frames) goes out as one BroadcastChannel message, an
 * array, and is handed to the listener one by one, in order.
 *
 * @example
 * const tabs = new TabSync<TabMessage>('amoiq-chat:demo');
 * tabs.onMessage((m) => …);
 * tabs.start(() => becomeLeader());
 */
export class TabSync<M> {
  /** True while this tab holds the lock. */
  isLeader = false;
  private readonly channel?: BroadcastChannel;
  private readonly locks?: Pick<LockManager, 'request'>;
  private readonly abort = new AbortController();
  private release?: () => void;
  private listener?: (message: M) => void;
  /** Posted, not sent yet (see {@link post}). */
  private outgoing: M[] = [];
  private readonly afterTasks: (fn: () => void) => void;

  constructor(
    private readonly name: string,
    deps: TabSyncDeps = {},
  ) {
    const Channel = 'BroadcastChannel' in deps ? deps.BroadcastChannel : globalThis.BroadcastChannel;
    const locks = 'locks' in deps ? deps.locks : globalThis.navigator?.locks;
    this.afterTasks = deps.afterTasks ?? afterQueuedTasks;
    if (Channel && locks) {
      this.locks = locks;
      this.channel = new Channel(name);
      this.channel.onmessage = (ev: MessageEvent<M | M[]>) => {
        // An array is a batch; a single message comes from a tab of an earlier version.
        for (const message of Array.isArray(ev.data) ? ev.data : [ev.data]) this.listener?.(message);
      };
    }
  }

  /** True when other tabs can exist: both APIs are there. */
  get shared(): boolean {
    return this.channel !== undefined;
  }

  onMessage(fn: (message: M) => void): void {
    this.listener = fn;
  }

  /** Queues for the lock; `onLeader` runs once, when (if ever) this tab gets it. */
  start(onLeader: () => void): void {
    if (!this.locks) {
      this.isLeader = true;
      onLeader();
      return;
    }
    this.locks
      .request(this.name, { signal: this.abort.signal }, () => {
        if (this.abort.signal.aborted) return undefined;
        this.isLeader = true;
        onLeader();
        // Hold the lock until stop() or until the tab goes away.
        return new Promise<void>((resolve) => (this.release = resolve));
      })
      .catch(() => undefined); // AbortError after stop()
  }

  /** Tells the other tabs; sent with whatever else is posted before the queued tasks are done. */
  post(message: M): void {
    if (!this.channel) return;
    this.outgoing.push(message);
    if (this.outgoing.length === 1) this.afterTasks(() => this.flush());
  }

  /** Sends what was posted, as one message. */
  flush(): void {
    const batch = this.outgoing;
    if (!batch.length) return;
    this.outgoing = [];
    try {
      this.channel?.postMessage(batch);
    } catch {
      // The channel closed with the page; nothing to tell.
    }
  }

  /** Gives up the lock (the next tab takes over) and closes the channel. */
  stop(): void {
    this.flush();
    this.abort.abort();
    this.release?.();
    this.release = undefined;
    this.isLeader = false;
    this.channel?.close();
    this.listener = undefined;
  }
}
