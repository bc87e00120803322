// @ts-check
/**
 * @web/test-runner plugin that runs the reference backend (`node demo/server/main.js`) as a child
 * process for the tests, and lets browser tests control it through server commands:
 *
 * - `backend-info`    → `{ url, apiKey, tenantId, agent, other, jwtSecret }` (starts the backend on
 *   first use)
 * - `backend-restart` → SIGTERM, then start again on the same port and data directory
 * - `backend-kill`    → SIGKILL, no restart (chaos tests)
 * - `backend-start`   → start again on the same port and data directory
 *
 * Each run gets a fresh temporary data directory. The child's output goes to
 * `test-results/backend.log`; only a failed start is reported in the test output.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY = /^amoiq-chat backend ready on (http:\/\/\S+)$/m;
const START_TIMEOUT_MS = 60_000;

const DEMO = { apiKey: 'pk_demo_amoiq_public_key', tenantId: 'demo', agent: { email: 'agent@demo.test', password: 'demo-password' } };
const ACME = { apiKey: 'pk_acme_amoiq_public_key', tenantId: 'acme', agent: { email: 'agent@acme.test', password: 'acme-password' } };

/**
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function backendPlugin() {
  /** @type {import('node:child_process').ChildProcess | null} */
  let child = null;
  /** @type {Promise<string> | null} resolves to the backend URL once the child is ready */
  let starting = null;
  /** @type {string | null} */
  let url = null;
  let port = 0;
  /** @type {string | null} */
  let dataDir = null;
  /** @type {import('node:fs').WriteStream | null} */
  let log = null;

  // Fixed per run (not per start) so tokens survive restarts, and known to the tests so they can
  // mint an expired token for the `token_expired` cases.
  const jwtSecret = `test-${randomBytes(16).toString('hex')}`;
  const info = () => ({ url, ...DEMO, other: ACME, jwtSecret });

  function openLog() {
    if (log) return log;
    const dir = join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    log = createWriteStream(join(dir, 'backend.log'), { flags: 'w' });
    return log;
  }

  /** Starts the child (same port and data dir as before, if any) and resolves with its URL. */
  function start() {
    if (starting) return starting;
    dataDir ??= mkdtempSync(join(tmpdir(), 'amoiq-backend-'));
    const out = openLog();
    out.write(`\n--- starting backend (port ${port || 'random'}, data ${dataDir}) at ${new Date().toISOString()}\n`);
    const proc = spawn(process.execPath, [join(ROOT, 'demo/server/main.js')], {
      cwd: ROOT,
      env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, JWT_SECRET: jwtSecret, SESSION_TTL_SECONDS: '900' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    starting = new Promise((resolveStart, rejectStart) => {
      let ready = false;
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => fail(new Error(`backend did not get ready in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      /** @param {Error} error */
      const fail = (error) => {
        clearTimeout(timer);
        if (ready) return;
        ready = true; // report once
        const detail = stderr.trim().split('\n').slice(-10).join('\n');
        console.error(`[backend] ${error.message}${detail ? `\n${detail}` : ''}`);
        proc.kill('SIGKILL');
        rejectStart(error);
      };
      proc.stdout?.on('data', (chunk) => {
        out.write(chunk);
        if (ready) return;
        stdout += chunk;
        const match = READY.exec(stdout);
        if (!match) return;
        ready = true;
        clearTimeout(timer);
        url = match[1];
        port = Number(new URL(url).port);
        resolveStart(url);
      });
      proc.stderr?.on('data', (chunk) => {
        out.write(chunk);
        stderr = (stderr + chunk).slice(-8000);
      });
      proc.on('error', fail);
      proc.on('exit', (code, signal) => {
        out.write(`--- backend exited (code ${code}, signal ${signal})\n`);
        if (child === proc) {
          child = null;
          starting = null;
        }
        fail(new Error(`backend exited before it was ready (code ${code}, signal ${signal})`));
      });
    });
    // A failed start may be retried by the next command.
    starting.catch(() => {
      if (child === proc || child === null) starting = null;
    });
    return starting;
  }

  /**
   * Stops the child with `signal` and waits for it to exit.
   * @param {NodeJS.Signals} signal
   */
  async function stop(signal) {
    const proc = child;
    if (!proc) return;
    child = null;
    starting = null;
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    await new Promise((resolveExit) => {
      proc.once('exit', resolveExit);
      proc.kill(signal);
      // SIGTERM is a request; don't let a stuck shutdown hang the run.
      if (signal !== 'SIGKILL') setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
    });
  }

  return {
    name: 'amoiq-backend',

    async executeCommand({ command }) {
      switch (command) {
        case 'backend-info':
          await start();
          return info();
        case 'backend-restart':
          await stop('SIGTERM');
          await start();
          return info();
        case 'backend-kill':
          await stop('SIGKILL');
          return info();
        case 'backend-start':
          await start();
          return info();
        default:
          return undefined;
      }
    },

    async serverStop() {
      await stop('SIGTERM');
      log?.end();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
