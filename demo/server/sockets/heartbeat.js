// @ts-check
/**
 * Transport-level pings, spread over the period: every socket is pinged once per `periodMs` and
 * terminated if it has not answered (pong) by its next turn, but the sockets take their turns in
 * `slices` groups, one group per `periodMs / slices`, not all in one tick. Pinging every socket
 * of a node at once (10,000 idle visitors: 10,000 frames written, then as many pongs read, in one
 * burst) held the event loop and the load balancer for as long, and the messages that arrived
 * meanwhile waited: at light load, such a burst every 30 s was the p99 of the whole run
 * (docs/scaling.md, "Heartbeat").
 */

/** @typedef {{ ping: () => void, terminate: () => void, on: (event: 'pong' | 'close', fn: () => void) => unknown }} Pingable */

export class Heartbeat {
  /**
   * @param {{ periodMs: number, slices?: number, setInterval?: typeof globalThis.setInterval, clearInterval?: typeof globalThis.clearInterval }} options
   */
  constructor({ periodMs, slices = 30, setInterval = globalThis.setInterval, clearInterval = globalThis.clearInterval }) {
    /** @private @type {Set<Pingable>[]} one group per slice */
    this.groups = Array.from({ length: slices }, () => new Set());
    /** @private the group the next socket joins (round robin, so groups stay even) */
    this.nextGroup = 0;
    /** @private the group whose turn comes next */
    this.turn = 0;
    /** @private @type {WeakSet<Pingable>} sockets pinged and not answered yet */
    this.waiting = new WeakSet();
    /** @private */
    this.clear = clearInterval;
    /** @private */
    this.timer = setInterval(() => this.tick(), periodMs / slices);
    /** @type {{ unref?: () => void }} */ (this.timer).unref?.();
  }

  /**
   * Starts pinging a socket (its answers and its close are watched).
   * @param {Pingable} socket
   */
  add(socket) {
    const group = this.groups[this.nextGroup];
    this.nextGroup = (this.nextGroup + 1) % this.groups.length;
    group.add(socket);
    socket.on('pong', () => this.waiting.delete(socket));
    socket.on('close', () => group.delete(socket));
  }

  /** One slice of the period: the sockets of the group whose turn it is. */
  tick() {
    const group = this.groups[this.turn];
    this.turn = (this.turn + 1) % this.groups.length;
    for (const socket of group) {
      if (this.waiting.has(socket)) {
        group.delete(socket);
        socket.terminate();
        continue;
      }
      this.waiting.add(socket);
      socket.ping();
    }
  }

  /** How many sockets are pinged. */
  get size() {
    return this.groups.reduce((n, g) => n + g.size, 0);
  }

  stop() {
    this.clear(/** @type {any} */ (this.timer));
  }
}
