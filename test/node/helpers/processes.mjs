// @ts-check
/**
 * Server nodes as separate processes (demo/server/main.js) and an HAProxy in front of them: shared
 * by the cluster failover test (test/node/server-cluster-failover.test.mjs) and the load benchmark
 * (bench/load.bench.mjs), which also reads each process's CPU time and resident memory.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');

/** Where HAProxy is installed, or undefined. */
export const HAPROXY = ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p));

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
export function freePort() {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => done(port));
    });
  });
}

/**
 * Polls `predicate` every 20 ms until it holds, or throws after `timeoutMs`.
 * @param {() => unknown} predicate
 * @param {string} what
 * @param {number} timeoutMs
 */
async function until(predicate, what, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * @typedef {{ name: string, port: number, url: string, proc: import('node:child_process').ChildProcess, output: () => string, stop: () => Promise<void> }} Node
 */

/**
 * Starts one node: main.js with its own data directory and port; `env` adds to the environment
 * (DATABASE_URL, JWT_SECRET, TENANTS_FILE, limits…), `nodeArgs` to Node's own options (`--cpu-prof`);
 * `root`: the checkout whose backend runs (scripts/test-frameworks.mjs: AMOIQ_BACKEND_ROOT).
 * Resolves when it prints its ready line, within `readyMs` (a first start on a loaded machine,
 * a fresh database and generated passwords, can take over a minute).
 * @param {{ name: string, env?: Record<string, string>, nodeArgs?: string[], root?: string, readyMs?: number }} o
 * @returns {Promise<Node>}
 */
export async function startNode({ name, env = {}, nodeArgs = [], root = ROOT, readyMs = 90_000 }) {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), `amoiq-node-${name}-`));
  const proc = spawn(process.execPath, [...nodeArgs, join(root, 'demo/server/main.js')], {
    cwd: root,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, ASSISTANT: 'off', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  proc.stdout?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  proc.stderr?.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  const exited = new Promise((r) => proc.once('exit', r));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await until(() => /backend ready on/.test(output) || proc.exitCode !== null, `node ${name} to start`, readyMs);
  } catch (error) {
    await stop();
    throw error;
  }
  if (proc.exitCode !== null) {
    await stop();
    throw new Error(`node ${name} failed to start:\n${output}`);
  }
  return { name, port, url: `http://127.0.0.1:${port}`, proc, output: () => output, stop };
}

/**
 * HAProxy in front of `nodes`, with the configuration docs/scaling.md shows: health checks on
 * /readyz, WebSockets tunnelled, `option forwardfor` (run the nodes with TRUST_PROXY=1).
 * @param {{ name: string, port: number }[]} nodes
 * @param {{ balance?: string, maxconn?: number }} [o] `balance first` puts every client on the first healthy node
 * @returns {Promise<{ url: string, stop: () => Promise<void> }>}
 */
export async function startBalancer(nodes, { balance = 'roundrobin', maxconn = 4096 } = {}) {
  if (!HAPROXY) throw new Error('haproxy is not installed (apt-get install haproxy)');
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-lb-'));
  const config = [
    'global',
    `  maxconn ${maxconn}`,
    // One thread: on this two-core machine HAProxy shares the cores with the nodes, PostgreSQL and
    // the clients. With a thread per core (its default) the two-node light-load benchmark showed
    // 10–20 ms delays at a regular ~0.54 s period, p99 up to 21 ms; with one thread, 8–11 ms, as
    // one node without a balancer (docs/scaling.md, "HAProxy's threads").
    '  nbthread 1',
    'defaults',
    '  mode http',
    `  maxconn ${maxconn}`,
    '  timeout connect 2s',
    '  timeout client 60s',
    '  timeout server 60s',
    '  timeout tunnel 1h',
    '  option redispatch',
    '  retries 2',
    'frontend chat',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    '  default_backend nodes',
    'backend nodes',
    `  balance ${balance}`,
    '  option httpchk GET /readyz',
    '  http-check expect status 200',
    '  default-server inter 300ms fall 2 rise 2',
    ...nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.port} check`),
    '',
  ].join('\n');
  writeFileSync(join(dir, 'haproxy.cfg'), config);
  const proc = spawn(HAPROXY, ['-db', '-f', join(dir, 'haproxy.cfg')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout?.on('data', (chunk) => (output += chunk));
  proc.stderr?.on('data', (chunk) => (output += chunk));
  const exited = new Promise((r) => proc.once('exit', r));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill('SIGKILL');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  try {
    await until(
      async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200 || proc.exitCode !== null,
      'the load balancer to route',
      20_000,
    );
  } catch (error) {
    await stop();
    throw error;
  }
  if (proc.exitCode !== null) throw new Error(`haproxy exited:\n${output}`);
  return { url, stop };
}

/**
 * CPU seconds (user + system) and resident memory of a process, from /proc (Linux).
 * @param {number} pid
 * @returns {{ cpuSeconds: number, rssBytes: number }}
 */
export function processStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return { cpuSeconds: ticks / 100, rssBytes: rss ? Number(rss[1]) * 1024 : 0 };
}
