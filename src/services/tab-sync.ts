/** The browser APIs TabSync uses, injectable for tests. */
export interface TabSyncDeps {
  locks?: Pick<LockManager, 'request'>;
  BroadcastChannel?: typeof BroadcastChannel;
}

/**
 * Makes the tabs of one visitor share one connection. Every tab asks for the same Web Lock; the
 * one that holds it is the leader and runs the transport, the others follow and hear everything
 * through a BroadcastChannel. When the leader's tab closes, the browser releases its lock at once
 * and the next tab in line takes over. Without Web Locks or BroadcastChannel every tab leads
 * alone, as before.
 *
 * It carries any message type `M` (structured-cloneable); the chat's is `TabMessage`
 * (tab-messages.ts).
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

  constructor(
    private readonly name: string,
    deps: TabSyncDeps = {},
  ) {
    const Channel = 'BroadcastChannel' in deps ? deps.BroadcastChannel : globalThis.BroadcastChannel;
    const locks = 'locks' in deps ? deps.locks : globalThis.navigator?.locks;
    if (Channel && locks) {
      this.locks = locks;
      this.channel = new Channel(name);
      this.channel.onmessage = (ev: MessageEvent<M>) => this.listener?.(ev.data);
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

  post(message: M): void {
    try {
      this.channel?.postMessage(message);
    } catch {
      // The channel closed with the page; nothing to tell.
    }
  }

  /** Gives up the lock (the next tab takes over) and closes the channel. */
  stop(): void {
    this.abort.abort();
    this.release?.();
    this.release = undefined;
    this.isLeader = false;
    this.channel?.close();
    this.listener = undefined;
  }
}
