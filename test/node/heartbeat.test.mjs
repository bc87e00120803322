// @ts-check
// The WebSocket heartbeat (demo/server/sockets/heartbeat.js): every socket pinged once per period,
// the sockets spread over the period's slices instead of all in one tick, a socket that did not
// answer by its next turn terminated, a closed one forgotten. Ticks are driven by the test.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { Heartbeat } from '../../demo/server/sockets/heartbeat.js';

/** A socket that counts its pings and answers them only when told to. */
class FakeSocket extends EventEmitter {
  pings = 0;
  terminated = false;
  ping() {
    this.pings++;
  }
  terminate() {
    this.terminated = true;
    this.emit('close');
  }
  pong() {
    this.emit('pong');
  }
}

/** A heartbeat whose timer the test runs: returns it and the interval it asked for. */
function heartbeat(periodMs = 30_000, slices = 30) {
  /** @type {number[]} */
  const intervals = [];
  let cleared = false;
  const hb = new Heartbeat({
    periodMs,
    slices,
    setInterval: /** @type {any} */ ((/** @type {() => void} */ _fn, /** @type {number} */ ms) => (intervals.push(ms), { unref() {} })),
    clearInterval: /** @type {any} */ (() => (cleared = true)),
  });
  return { hb, intervals, cleared: () => cleared };
}

describe('Heartbeat', () => {
  test('ticks once per slice of the period', () => {
    const { intervals } = heartbeat(30_000, 30);
    assert.deepEqual(intervals, [1000]);
  });

  test('pings each socket once per period, a slice of them per tick', () => {
    const { hb } = heartbeat(30_000, 30);
    const sockets = Array.from({ length: 300 }, () => new FakeSocket());
    for (const s of sockets) hb.add(s);
    assert.equal(hb.size, 300);
    const perTick = [];
    for (let tick = 0; tick < 30; tick++) {
      const before = sockets.reduce((n, s) => n + s.pings, 0);
      hb.tick();
      perTick.push(sockets.reduce((n, s) => n + s.pings, 0) - before);
      for (const s of sockets) s.pong();
    }
    // 300 sockets over 30 slices: 10 per tick, never all at once.
    assert.deepEqual(perTick, Array(30).fill(10));
    assert.ok(sockets.every((s) => s.pings === 1 && !s.terminated));
    // The next period pings each of them once more.
    for (let tick = 0; tick < 30; tick++) hb.tick();
    assert.ok(sockets.every((s) => s.pings === 2));
  });

  test('terminates a socket that did not answer by its next turn, keeps one that did', () => {
    const { hb } = heartbeat(3_000, 3);
    const silent = new FakeSocket();
    const alive = new FakeSocket();
    hb.add(silent);
    hb.add(alive);
    for (let tick = 0; tick < 3; tick++) hb.tick();
    alive.pong();
    assert.equal(silent.terminated, false, 'not before its next turn');
    for (let tick = 0; tick < 3; tick++) hb.tick();
    assert.equal(silent.terminated, true);
    assert.equal(alive.terminated, false);
    assert.equal(alive.pings, 2);
    assert.equal(hb.size, 1, 'the terminated socket is forgotten');
  });

  test('forgets a closed socket and stops its timer', () => {
    const { hb, cleared } = heartbeat(3_000, 3);
    const s = new FakeSocket();
    hb.add(s);
    s.emit('close');
    for (let tick = 0; tick < 6; tick++) hb.tick();
    assert.equal(s.pings, 0);
    assert.equal(hb.size, 0);
    hb.stop();
    assert.equal(cleared(), true);
  });
});
