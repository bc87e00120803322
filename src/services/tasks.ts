/**
 * The service's work in progress (store writes, fetches, the outbox drain): each promise is
 * tracked until it settles, so {@link whenIdle} can tell when nothing is left to happen. Tests
 * use it to check that something did not happen, without sleeping.
 */
export class Tasks {
  private readonly running = new Set<Promise<unknown>>();

  /** Tracks `work` and returns it. */
  run<T>(work: Promise<T>): Promise<T> {
    this.running.add(work);
    const done = () => this.running.delete(work);
    work.then(done, done);
    return work;
  }

  /** Resolves once every tracked promise, and every one they started meanwhile, has settled. */
  async whenIdle(): Promise<void> {
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
