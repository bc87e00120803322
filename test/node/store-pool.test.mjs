// @ts-check
// The PostgreSQL pool (demo/server/store/sql.js openPostgres) keeps the connections it opened.
// pg-pool's default closes a connection after 10 s idle and opens a new one at the next burst: a
// new PostgreSQL backend (fork, catalog caches), which the load benchmark saw as a moment of
// 100–200 ms latency about 10 s after every burst (docs/scaling.md, "Pool size"). PostgreSQL only
// (AMOIQ_TEST_STORE=postgres, test-store.mjs); PGlite has no pool.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { openPostgres } from '../../demo/server/store/sql.js';
import { until } from './chat-server.mjs';
import { TEST_STORE, freshStore } from './test-store.mjs';

/** @type {Array<() => Promise<void>>} */
const disposals = [];
after(async () => {
  for (const dispose of disposals.reverse()) await dispose();
});

/**
 * Runs `count` transactions at once, each holding its connection until all have one: `count`
 * connections in use together. Returns their backend pids.
 * @param {import('../../demo/server/store/sql.js').Database} db
 * @param {number} count
 */
async function holdConnections(db, count) {
  /** @type {number[]} */
  const pids = [];
  /** @type {() => void} */
  let release = () => undefined;
  const gate = new Promise((/** @type {(v?: unknown) => void} */ r) => (release = r));
  const held = Array.from({ length: count }, () =>
    db.transaction(async (tx) => {
      pids.push(Number((await tx.rows('SELECT pg_backend_pid() AS pid'))[0].pid));
      await gate;
    }),
  );
  await until(() => pids.length === count, `${count} connections`, 20_000);
  release();
  await Promise.all(held);
  return pids.sort((a, b) => a - b);
}

test(
  'PostgreSQL: connections opened under load stay open when idle, and the next burst uses the same backends',
  { skip: TEST_STORE !== 'postgres' && 'the pool is PostgreSQL’s (AMOIQ_TEST_STORE=postgres)' },
  async () => {
    const fresh = await freshStore();
    disposals.push(fresh.dispose);
    const url = /** @type {string} */ (fresh.databaseUrl);
    // An idle timeout of 20 ms instead of 10 s, on the pool under test and on a plain pg-pool
    // beside it: when the plain one has closed its idle connections, the timeout has passed.
    const db = await openPostgres(url, { poolSize: 3, idleTimeoutMs: 20 });
    disposals.push(() => db.close());
    const { default: pg } = await import('pg');
    const plain = new pg.Pool({ connectionString: url, max: 3, idleTimeoutMillis: 20 });
    disposals.push(() => plain.end());

    const first = await holdConnections(db, 3);
    assert.equal(new Set(first).size, 3, 'three connections at once');
    assert.equal(db.stats().total, 3);
    const clients = await Promise.all([plain.connect(), plain.connect(), plain.connect()]);
    for (const client of clients) client.release();
    assert.equal(plain.totalCount, 3);

    await until(() => plain.totalCount === 0, 'the plain pool to close its idle connections', 20_000);
    const stats = db.stats();
    assert.equal(stats.total, 3, 'the store’s pool still holds its three connections');
    assert.equal(stats.idle, 3);
    const alive = await db.rows(
      `SELECT pid FROM pg_stat_activity WHERE application_name = 'amoiq-chat' AND datname = current_database() ORDER BY pid`,
    );
    assert.deepEqual(
      alive.map((r) => Number(r.pid)),
      first,
      'the same three backends are still connected',
    );

    const again = await holdConnections(db, 3);
    assert.deepEqual(again, first, 'the next burst runs on the same backends, none forked for it');
  },
);
