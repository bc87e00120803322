/**
 * What the message list marks on its rows besides their content: which own messages show "Read"
 * and "Delivered" (which messages show their time: `Row.time`, rows.ts).
 */
import type { ChatMessage } from '../../services/chat-service.js';

/**
 * "Read" shows under the newest own message an agent has read, and "Delivered" under the newest
 * own message when it is delivered; older ones keep the state for screen readers only, so the
 * list does not repeat it under every bubble. Pending, sent and failed always show. Keys, or `''`
 * for "Delivered" when the newest own message is in another state.
 *
 * Incremental: given how many messages from the start are unchanged since the last call (the same
 * objects), only the rest is searched while the newest own and read messages found last time lie
 * in that unchanged part — a conversation with no own message is not walked at every new message.
 */
export class LatestStatuses {
  private visitorAt = -1;
  private readAt = -1;

  update(messages: readonly ChatMessage[], shared: number): { read?: string; delivered?: string } {
    let visitor = -1;
    let read = -1;
    let from = messages.length - 1;
    for (let pass = 0; pass < 2; pass++) {
      const floor = pass === 0 ? shared : 0;
      for (let i = from; i >= floor && read < 0; i--) {
        const m = messages[i];
        if (m.sender.type !== 'visitor') continue;
        if (visitor < 0) visitor = i;
        if (m.status === 'read') read = i;
      }
      if (read >= 0) break;
      // Not in the changed part: last time's answers hold when they lie in the unchanged part.
      if (pass === 0 && (visitor >= 0 || this.visitorAt < shared) && this.readAt < shared) {
        if (visitor < 0) visitor = this.visitorAt;
        read = this.readAt;
        break;
      }
      from = shared - 1;
    }
    this.visitorAt = visitor;
    this.readAt = read;
    const newest = messages[visitor];
    return {
      read: messages[read]?.key,
      delivered: newest ? (newest.status === 'delivered' ? newest.key : '') : undefined,
    };
  }
}

/**
 * Resolves at the next animation frame; in a hidden page (no frames until it is shown) after the
 * current task, and never later than 100 ms, so `updateComplete` always settles.
 */
export function nextFrame(): Promise<void> {
  if (document.visibilityState === 'hidden') return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
      resolve();
    };
    const frame = requestAnimationFrame(done);
    const timer = setTimeout(done, 100);
  });
}
