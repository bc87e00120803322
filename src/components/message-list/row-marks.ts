/**
 * What the message list marks on its rows besides their content: which own messages show "Read"
 * and "Delivered", and which messages show their time.
 */
import type { ChatMessage } from '../../services/chat-service.js';

/**
 * "Read" shows under the newest own message an agent has read, and "Delivered" under the newest
 * own message when it is delivered; older ones keep the state for screen readers only, so the
 * list does not repeat it under every bubble. Pending, sent and failed always show. Keys, or `''`
 * for "Delivered" when the newest own message is in another state.
 */
export function latestStatuses(messages: readonly ChatMessage[]): { read?: string; delivered?: string } {
  let delivered: string | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.sender.type !== 'visitor') continue;
    if (delivered === undefined) delivered = m.status === 'delivered' ? m.key : '';
    if (m.status === 'read') return { read: m.key, delivered };
  }
  return { delivered };
}

/**
 * Which messages show their time (and a pending or sent state): the last of each run of messages
 * from one sender within one minute, as Intercom and Crisp do, instead of a time under every
 * bubble. A notice, another sender, a new minute or another delivery state ends a run.
 */
export function timeShownOn(messages: readonly ChatMessage[]): Set<string> {
  const shown = new Set<string>();
  for (let i = 0; i < messages.length; i++) {
    const next = messages[i + 1];
    if (!next || !sameRun(messages[i], next)) shown.add(messages[i].key);
  }
  return shown;
}

/** Whether two consecutive messages share one time label: same sender, same minute, same delivery state, not notices. */
function sameRun(a: ChatMessage, b: ChatMessage): boolean {
  if (a.sender.type === 'system' || b.sender.type === 'system' || a.status !== b.status) return false;
  const sameSender =
    a.sender.type === b.sender.type && (a.sender.type === 'visitor' || (a.sender.id === b.sender.id && a.sender.name === b.sender.name));
  return sameSender && Math.floor(Date.parse(a.createdAt) / 60_000) === Math.floor(Date.parse(b.createdAt) / 60_000);
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
