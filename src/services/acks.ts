import { ApiError, type WireMessage } from '../protocol/v1.js';
import type { Timers } from './timers.js';

/**
 * Messages sent over the WebSocket that wait for their `ack` (or `error`) frame, by clientId, each
 * rejected with `timeout` when none comes in time.
 */
export class PendingAcks {
  private readonly waiting = new Map<string, { resolve: (m: WireMessage) => void; reject: (e: Error) => void; timer: unknown }>();

  constructor(private readonly timers: Timers) {}

  /** Resolves with the stored message of `clientId`'s ack, or rejects after `timeoutMs`. */
  wait(clientId: string, timeoutMs: number): Promise<WireMessage> {
    return new Promise<WireMessage>((resolve, reject) => {
      const timer = this.timers.later(timeoutMs, () => {
        this.waiting.delete(clientId);
        reject(new ApiError(0, 'timeout', 'The server did not acknowledge the message in time.'));
      });
      this.waiting.set(clientId, { resolve, reject, timer });
    });
  }

  /** The ack arrived. */
  resolve(clientId: string, message: WireMessage): void {
    this.take(clientId)?.resolve(message);
  }

  /** An error frame names `clientId`; false when nothing waited for it. */
  reject(clientId: string | undefined, error: Error): boolean {
    const waiting = clientId === undefined ? undefined : this.take(clientId);
    waiting?.reject(error);
    return waiting !== undefined;
  }

  /** Rejects every waiting send (the socket died, or the chat stopped). */
  rejectAll(error: () => Error): void {
    for (const clientId of [...this.waiting.keys()]) this.take(clientId)?.reject(error());
  }

  private take(clientId: string) {
    const waiting = this.waiting.get(clientId);
    if (!waiting) return undefined;
    this.waiting.delete(clientId);
    this.timers.clear(waiting.timer);
    return waiting;
  }
}
