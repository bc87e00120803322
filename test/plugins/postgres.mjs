// @ts-check
/**
 * A throwaway PostgreSQL server for the tests that run the reference backend on PostgreSQL
 * (`DATABASE_URL`): a new cluster in a temporary directory (initdb), listening on a free port of
 * 127.0.0.1 only, with trust authentication for the user `app`, and durability off (fsync) since
 * it is thrown away. It is stopped and deleted by `stop()`, and when the process exits.
 *
 * The server binaries are Debian's (`apt-get install postgresql`: /usr/lib/postgresql/<v>/bin),
 * or `PG_BIN` names their directory. PostgreSQL refuses to run as root: as root the cluster is
 * made and run by the `postgres` user (runuser), which the package creates.
 *
 * `scripts/test.mjs` starts one for the whole run and hands its URL to the browser suite and the
 * Node tests in `AMOIQ_TEST_DATABASE_URL`; {@link testDatabase} uses it, or starts one for its
 * own process when run alone. Each backend gets a database of its own on it.
 */
import { execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The environment variable that carries the admin URL of a running test server. */
export const DATABASE_URL_ENV = 'AMOIQ_TEST_DATABASE_URL';

/** What to do when the binaries are missing. */
export const MISSING_POSTGRES =
  'PostgreSQL is not installed, so the server tests cannot run on PostgreSQL: install it (Debian: apt-get install postgresql) or set PG_BIN to the directory of initdb and pg_ctl';

/** The directory of initdb and pg_ctl (the newest Debian version), or null. */
export function postgresBinDir() {
  if (process.env.PG_BIN) return existsSync(join(process.env.PG_BIN, 'pg_ctl')) ? process.env.PG_BIN : null;
  const base = '/usr/lib/postgresql';
  if (!existsSync(base)) return null;
  const versions = readdirSync(base)
    .filter((v) => existsSync(join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(base, versions[0], 'bin') : null;
}

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
  return new Promise((resolvePort, rejectPort) => {
    const probe = createServer();
    probe.once('error', rejectPort);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolvePort(port));
    });
  });
}

/**
 * Runs a PostgreSQL binary, as the `postgres` user when this process is root.
 * @param {string} bin
 * @param {string} tool
 * @param {string[]} args
 */
function runTool(bin, tool, args) {
  const asRoot = process.getuid?.() === 0;
  const [command, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', join(bin, tool), ...args]] : [join(bin, tool), args];
  return execFileSync(command, argv, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000 }).toString();
}

/**
 * Makes and starts a cluster.
 * @param {{ durable?: boolean }} [options] `durable`: keep PostgreSQL's defaults (fsync, synchronous
 *   commit), as a production server runs, for benchmarks; tests turn them off
 * @returns {Promise<{ url: string, port: number, dir: string, stop: () => Promise<void> }>}
 *   `url`: the admin URL (database `postgres`, user `app`)
 * @throws {Error} {@link MISSING_POSTGRES} without the binaries; initdb's or pg_ctl's error otherwise
 */
export async function startPostgres({ durable = false } = {}) {
  const bin = postgresBinDir();
  if (!bin) throw new Error(MISSING_POSTGRES);
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-postgres-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  const data = join(dir, 'data');
  let running = false;
  const stopNow = () => {
    if (running) {
      running = false;
      try {
        runTool(bin, 'pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  // However the process ends, the server goes with it: at exit, and when it is killed (a watchdog
  // process stops the server once this one is gone).
  process.once('exit', stopNow);
  try {
    runTool(bin, 'initdb', ['-D', data, '-A', 'trust', '-U', 'app', '--no-sync', '-E', 'UTF8', '--locale=C']);
    const speed = durable ? '' : ' -c fsync=off -c synchronous_commit=off -c full_page_writes=off';
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c max_connections=200${speed}`;
    runTool(bin, 'pg_ctl', ['-D', data, '-o', options, '-l', join(dir, 'server.log'), '-w', '-t', '60', 'start']);
    running = true;
    watch(bin, dir, data);
  } catch (error) {
    stopNow();
    const detail = /** @type {{ stderr?: Buffer }} */ (error).stderr?.toString().trim();
    throw new Error(`PostgreSQL did not start: ${detail || /** @type {Error} */ (error).message}`);
  }
  return {
    url: `postgres://app@127.0.0.1:${port}/postgres`,
    port,
    dir,
    async stop() {
      process.off('exit', stopNow);
      if (running) {
        running = false;
        await new Promise((done) => {
          const asRoot = process.getuid?.() === 0;
          const args = ['-D', data, '-m', 'fast', '-w', 'stop'];
          const proc = asRoot ? spawn('runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), ...args]) : spawn(join(bin, 'pg_ctl'), args);
          proc.on('exit', done);
          proc.on('error', done);
        });
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Starts a detached watchdog that stops the server and deletes its directory when this process
 * is gone without doing it (SIGKILL, a timeout's SIGTERM), and ends by itself once the directory
 * is deleted (a normal stop).
 * @param {string} bin
 * @param {string} dir
 * @param {string} data
 */
function watch(bin, dir, data) {
  const asRoot = process.getuid?.() === 0;
  const stop = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(bin, 'pg_ctl'), '-D', data, '-m', 'immediate', '-w', 'stop']]
    : [join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']];
  const script = `
    const { existsSync, rmSync } = require('node:fs');
    const { execFileSync } = require('node:child_process');
    const [parent, dir, command, args] = [Number(process.argv[1]), process.argv[2], process.argv[3], JSON.parse(process.argv[4])];
    const alive = () => { try { process.kill(parent, 0); return true; } catch { return false; } };
    const timer = setInterval(() => {
      if (!existsSync(dir)) return clearInterval(timer);
      if (alive()) return;
      clearInterval(timer);
      try { execFileSync(command, args, { stdio: 'ignore', timeout: 30000 }); } catch {}
      rmSync(dir, { recursive: true, force: true });
    }, 1000);`;
  const child = spawn(process.execPath, ['-e', script, String(process.pid), dir, String(stop[0]), JSON.stringify(stop[1])], {
    detached: true,
    stdio: 'ignore',
  });
  child.unref();
}

/** @type {Promise<string> | null} */
let ownServer = null;

/**
 * The admin URL of the run's test server: `AMOIQ_TEST_DATABASE_URL`, or a server started for this
 * process (stopped when it exits).
 * @returns {Promise<string>}
 */
export function testServerUrl() {
  const given = process.env[DATABASE_URL_ENV];
  if (given) return Promise.resolve(given);
  ownServer ??= startPostgres().then((server) => server.url);
  return ownServer;
}

/**
 * A new, empty database on the run's test server, for one backend: `{ url, drop }`.
 * @param {string} [prefix]
 * @returns {Promise<{ url: string, drop: () => Promise<void> }>}
 */
export async function testDatabase(prefix = 'amoiq') {
  const admin = await testServerUrl();
  const { default: pg } = await import('pg');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`.toLowerCase();
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const dropper = new pg.Client({ connectionString: admin });
      await dropper.connect();
      try {
        await dropper.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await dropper.end();
      }
    },
  };
}
