// @ts-check
/**
 * Coalesces typing signals: per key (a sender in a conversation) at most one signal goes out per
 * interval. The first signal goes out at once; what arrives during the interval is held, and at
 * its end only the newest held value goes out, and only if it differs from the last one sent. So
 * thousands of frames a second reach the other side as about one a second, and the last state
 * (typing or not) always arrives.
 */
export class TypingCoalescer {
  /** @param {{ intervalMs: number }} options */
  constructor({ intervalMs }) {
    /** @private */
    this.intervalMs = intervalMs;
    /** @private @type {Map<string, { last: boolean, pending: { typing: boolean, deliver: () => void } | null, timer: ReturnType<typeof setTimeout> }>} */
    this.keys = new Map();
  }

  /**
   * Delivers (now or at the end of the key's interval, possibly never if superseded) a typing state.
   * @param {string} key
   * @param {boolean} typing
   * @param {() => void} deliver sends this state; only the newest pending one is called
   */
  signal(key, typing, deliver) {
    const held = this.keys.get(key);
    if (held) {
      held.pending = { typing, deliver };
      return;
    }
    if (this.intervalMs <= 0) {
      deliver();
      return;
    }
    deliver();
    this.keys.set(key, { last: typing, pending: null, timer: this.later(key) });
  }

  /** Drops every held signal and timer (server shutdown). */
  stop() {
    for (const { timer } of this.keys.values()) clearTimeout(timer);
    this.keys.clear();
  }

  /**
   * @private
   * @param {string} key
   */
  later(key) {
    const timer = setTimeout(() => this.flush(key), this.intervalMs);
    timer.unref?.();
    return timer;
  }

  /**
   * @private
   * @param {string} key
   */
  flush(key) {
    const held = this.keys.get(key);
    if (!held) return;
    const next = held.pending;
    if (next && next.typing !== held.last) {
      held.pending = null;
      held.last = next.typing;
      held.timer = this.later(key);
      next.deliver();
    } else {
      this.keys.delete(key);
    }
  }
}
