// @ts-check
/**
 * The database under the store: one small interface over two engines that speak the same SQL.
 *
 * - **PGlite** (Postgres compiled to WASM, in this process, files in `DATA_DIR/pg`): the embedded
 *   default for `npm start`, nothing to install. One connection; every statement is serialised.
 *   Durability: PGlite writes through Emscripten's NODEFS, plain synchronous `write()` calls on the
 *   real files, and a query resolves only after Postgres has written its WAL record at commit; a
 *   SIGKILL loses nothing acknowledged (the kernel keeps the pages), but PGlite does not fsync, so
 *   an OS crash or power loss may lose recent writes.
 * - **PostgreSQL** (`DATABASE_URL`): a server reached through node-postgres' connection pool, for
 *   production (docs/scaling.md).
 *
 * Both answer `query(sql, params)` with `{ rows }` and run `transaction(fn)` on one connection
 * (BEGIN … COMMIT, ROLLBACK when `fn` throws). The row helpers `rows()` and `row()` take their
 * row type from the JSDoc type of the variable they are assigned to (store/rows.js).
 */
import { mkdirSync } from 'node:fs';

/**
 * A connection or a transaction: what the store's modules query through.
 * @typedef {object} Queryable
 * @property {(sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>} query one statement, with `$n` parameters
 * @property {(sql: string) => Promise<void>} exec several statements, no parameters (migrations)
 * @property {<T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T[]>} rows the rows of one statement
 * @property {<T = Record<string, unknown>>(sql: string, params?: unknown[]) => Promise<T | undefined>} row its first row
 */

/**
 * @typedef {Queryable & {
 *   engine: 'pglite' | 'postgres',
 *   transaction: <T>(fn: (tx: Queryable) => Promise<T>) => Promise<T>,
 *   close: () => Promise<void>,
 *   stats: () => { engine: 'pglite' | 'postgres', total: number, idle: number, waiting: number, statements: number, seconds: number },
 * }} Database
 *   `stats`: connections of the pool (PGlite: one), requests waiting for one, statements sent
 *   so far (each a round trip to the engine; BEGIN and COMMIT count) and the seconds they took in
 *   total, from sending to the answer (waiting for a connection included; /metrics)
 */

/**
 * Wraps a statement runner into a {@link Queryable}.
 * @param {(sql: string, params?: unknown[]) => Promise<{ rows: unknown[] }>} run
 * @param {(sql: string) => Promise<unknown>} execute
 * @param {{ statements: number, seconds: number }} counter counts the statements sent and their time
 * @returns {Queryable}
 */
function queryable(run, execute, counter) {
  /** @type {Queryable['query']} */
  const query = async (sql, params) => {
    counter.statements++;
    const start = performance.now();
    try {
      return await run(sql, params);
    } finally {
      counter.seconds += (performance.now() - start) / 1000;
    }
  };
  return {
    query,
    async exec(sql) {
      counter.statements++;
      const start = performance.now();
      try {
        await execute(sql);
      } finally {
        counter.seconds += (performance.now() - start) / 1000;
      }
    },
    // The one place where the database's rows meet their declared types (store/rows.js): the
    // schema is the store's own, made by its migrations.
    /**
     * @template T
     * @param {string} sql
     * @param {unknown[]} [params]
     * @returns {Promise<T[]>}
     */
    async rows(sql, params) {
      return /** @type {T[]} */ ((await query(sql, params)).rows);
    },
    /**
     * @template T
     * @param {string} sql
     * @param {unknown[]} [params]
     * @returns {Promise<T | undefined>}
     */
    async row(sql, params) {
      return /** @type {T[]} */ ((await query(sql, params)).rows)[0];
    },
  };
}

/**
 * Opens (creating if needed) the PGlite database in `dir`.
 * @param {string} dir
 * @returns {Promise<Database>}
 */
export async function openPglite(dir) {
  mkdirSync(dir, { recursive: true });
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = await PGlite.create(dir);
  const counter = { statements: 0, seconds: 0 };
  return {
    engine: 'pglite',
    ...queryable(
      (sql, params) => pg.query(sql, params),
      (sql) => pg.exec(sql),
      counter,
    ),
    transaction: (fn) => {
      counter.statements += 2; // BEGIN, COMMIT
      return pg.transaction((tx) =>
        fn(
          queryable(
            (sql, params) => tx.query(sql, params),
            (sql) => tx.exec(sql),
            counter,
          ),
        ),
      );
    },
    // Closes cleanly (checkpoint + shutdown), so the next start skips crash recovery.
    async close() {
      if (!pg.closed) await pg.close();
    },
    stats: () => ({ engine: 'pglite', total: 1, idle: 1, waiting: 0, statements: counter.statements, seconds: counter.seconds }),
  };
}

/**
 * Connects a pool of at most `poolSize` connections to the PostgreSQL server at `url`
 * (`postgres://user:password@host:port/database?sslmode=…`). Fails when the server cannot be
 * reached, so a bad URL stops the start instead of the first request.
 *
 * Connections are opened as the load needs them and then kept (the pool's `min` is its size): a
 * pool that closed a connection after some idle seconds (pg-pool's default, 10 s) opened it again
 * at the next burst, and a new connection is a new PostgreSQL backend process, its fork and the
 * first loads of its catalog caches: about 150 ms of both cores on a small machine, which the
 * messages of that moment waited for (docs/scaling.md, "Pool size"). `idleTimeoutMs` is pg-pool's
 * idle timeout, which then applies to none of them (a test shortens it to show that).
 * @param {string} url
 * @param {{ poolSize?: number, idleTimeoutMs?: number }} [options]
 * @returns {Promise<Database>}
 */
export async function openPostgres(url, { poolSize = 10, idleTimeoutMs = 10_000 } = {}) {
  const { default: pg } = await import('pg');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    min: poolSize,
    idleTimeoutMillis: idleTimeoutMs,
    application_name: 'amoiq-chat',
  });
  // An idle connection that breaks (server restart) must not crash the process: the pool drops it.
  pool.on('error', (error) => console.error(`database connection lost: ${error.message}`));
  await pool.query('SELECT 1');
  let closed = false;
  const counter = { statements: 0, seconds: 0 };
  return {
    engine: 'postgres',
    ...queryable(
      (sql, params) => pool.query(sql, params),
      (sql) => pool.query(sql),
      counter,
    ),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        counter.statements += 2; // BEGIN, COMMIT
        await client.query('BEGIN');
        const result = await fn(
          queryable(
            (sql, params) => client.query(sql, params),
            (sql) => client.query(sql),
            counter,
          ),
        );
        await client.query('COMMIT');
        client.release();
        return result;
      } catch (error) {
        // A connection whose ROLLBACK fails is broken: the pool throws it away.
        await client.query('ROLLBACK').then(
          () => client.release(),
          (rollbackError) => client.release(rollbackError),
        );
        throw error;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await pool.end();
    },
    stats: () => ({
      engine: 'postgres',
      total: pool.totalCount,
      idle: pool.idleCount,
      waiting: pool.waitingCount,
      statements: counter.statements,
      seconds: counter.seconds,
    }),
  };
}

/**
 * True for a unique-constraint violation (SQLSTATE 23505): two requests raced to create the same
 * row, and the loser may try again (it will find the winner's row).
 * @param {unknown} error
 */
export function isUniqueViolation(error) {
  return typeof error === 'object' && error !== null && /** @type {{ code?: unknown }} */ (error).code === '23505';
}

/**
 * Runs `fn`, once more if it lost a race to a unique constraint (PostgreSQL runs transactions
 * side by side; PGlite never does, so there it runs once).
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
export async function retryOnConflict(fn) {
  try {
    return await fn();
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    return fn();
  }
}
