import { MAX_PAGE_SIZE, type MessagePage } from '../protocol/v1.js';

/** Settings and reports of a {@link LongPollChannel}. */
export interface LongPollOptions {
  /** One `GET /api/chat/messages` of the current conversation (`wait` > 0: a long poll). */
  fetch(query: { after: number; limit: number; wait: number; stream?: string }, signal: AbortSignal): Promise<MessagePage>;
  /** Highest sequence number held without gaps: each poll asks for what follows it. */
  cursor(): number;
  /**
   * The assistant's streams the client shows, as `<streamId>:<index>` (comma-separated; undefined
   * when none): the poll then waits for what comes after them instead of answering at once.
   */
  streamCursor?(): string | undefined;
  /** Seconds each long poll may wait for news. */
  waitSeconds: number;
  /** An answer arrived (possibly empty: the wait ran out). */
  page(page: MessagePage): void;
  /** A poll failed; the channel has stopped. */
  failed(error: unknown): void;
}

/**
 * Receives the chat over HTTP long-poll, from its start until {@link close} or the first failure:
 * one request at a time, the first without waiting (so the channel is known to work at once),
 * then each waiting up to `waitSeconds`, or none while the server says it holds more.
 *
 * @example
 * const poll = new LongPollChannel({ fetch, cursor: () => lastSeq, waitSeconds: 25, page, failed });
 * poll.close();
 */
export class LongPollChannel {
  private readonly abort = new AbortController();

  constructor(private readonly opts: LongPollOptions) {
    void this.run();
  }

  /** Aborts the running request; reports nothing more. */
  close(): void {
    this.abort.abort();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    let wait = 0;
    while (!signal.aborted) {
      try {
        const stream = this.opts.streamCursor?.();
        const page = await this.opts.fetch(
          { after: this.opts.cursor(), limit: MAX_PAGE_SIZE, wait, ...(stream ? { stream } : {}) },
          signal,
        );
        if (signal.aborted) return;
        this.opts.page(page);
        wait = page.hasMore ? 0 : this.opts.waitSeconds;
      } catch (err) {
        if (signal.aborted) return;
        this.abort.abort();
        this.opts.failed(err);
        return;
      }
    }
  }
}
