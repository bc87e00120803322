/**
 * A value that tells its subscribers when it changes: the state of each voice service. Listeners
 * get the new value after every {@link set}; a listener that throws is logged and does not stop
 * the others (a broken view must not break the call).
 */
export class Observable<T extends object> {
  private readonly listeners = new Set<(value: T) => void>();

  constructor(private current: T) {}

  /** The current value (a new object after each change; never mutated). */
  get value(): T {
    return this.current;
  }

  /** Calls `fn` with every new value; returns the unsubscribe function. */
  subscribe(fn: (value: T) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Merges `change` into the value and notifies the subscribers. */
  set(change: Partial<T>): void {
    this.current = { ...this.current, ...change };
    for (const fn of this.listeners) {
      try {
        fn(this.current);
      } catch (error) {
        console.warn('[amoiq-chat] voice: a state listener threw:', error);
      }
    }
  }

  /** Forgets every subscriber. */
  clear(): void {
    this.listeners.clear();
  }
}
