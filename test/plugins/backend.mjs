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
 * - `backend-short-info` / `backend-short-kill` / `backend-short-start` → the same for a second
 *   instance whose session tokens live {@link SHORT_TTL_SECONDS} seconds (token-expiry tests)
 * - `backend-chaos-info` / `backend-chaos-kill` / `backend-chaos-start` → the same for a third
 *   instance without the per-sender message limit, for the chaos suite's floods
 * - `backend-raw-http` `{ requests: [{ data }] }` (data base64) → writes each raw HTTP/1.1 request
 *   on its own TCP connection to the main instance and answers `[{ status, headers, body }]`
 *   (status 0: no answer). Lets tests send what a browser cannot: any `Origin`, broken headers,
 *   `X-Forwarded-For` (the instances trust it: `TRUST_PROXY=1`).
 * - `backend-build-widget` → builds the drop-in script (`vite build`) into a temporary directory
 *   that the main instance serves as `/amoiq-chat.js` (`WIDGET_DIR`), once per run: the strict-CSP
 *   test needs the real bundle, and CI runs the tests before `npm run build`
 * - `backend-upload-probe` `{ path, headers, sendBytes, declaredLength?, chunked? }` → streams a
 *   large upload to the main instance and answers `{ status, body, sent, complete }` (how many
 *   body bytes were written before the answer): the size-limit tests
 * - `backend-ws-upgrade` `{ path, origin }` → opens a WebSocket to the main instance with that
 *   `Origin`; answers `{ status, body }` for a refused upgrade or `{ status: 101, frame, close }`
 *   (first frame, close code) for an accepted one
 *
 * Both instances run with `AMOIQ_DEBUG_HOOKS=1` (raw-frame injection for the malformed-frame
 * tests). Each run gets fresh temporary data directories. The children's output goes to
 * `test-results/<name>.log`; only a failed start is reported in the test output.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY = /^amoiq-chat backend ready on (http:\/\/\S+)$/m;
const START_TIMEOUT_MS = 60_000;
/** Session-token lifetime of the second instance. */
export const SHORT_TTL_SECONDS = 3;

const DEMO = { apiKey: 'pk_demo_amoiq_public_key', tenantId: 'demo', agent: { email: 'agent@demo.test', password: 'demo-password' } };
const ACME = { apiKey: 'pk_acme_amoiq_public_key', tenantId: 'acme', agent: { email: 'agent@acme.test', password: 'acme-password' } };

/**
 * One backend child process: started on demand, restartable on the same port and data directory.
 * @param {{ name: string, jwtSecret: string, ttlSeconds: number, widgetDir?: string, extraEnv?: Record<string, string> }} options
 */
function backendInstance({ name, jwtSecret, ttlSeconds, widgetDir, extraEnv = {} }) {
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

  function openLog() {
    if (log) return log;
    const dir = join(ROOT, 'test-results');
    mkdirSync(dir, { recursive: true });
    log = createWriteStream(join(dir, `${name}.log`), { flags: 'w' });
    return log;
  }

  /** Starts the child (same port and data dir as before, if any) and resolves with its URL. */
  function start() {
    if (starting) return starting;
    dataDir ??= mkdtempSync(join(tmpdir(), 'amoiq-backend-'));
    const out = openLog();
    out.write(`\n--- starting ${name} (port ${port || 'random'}, data ${dataDir}) at ${new Date().toISOString()}\n`);
    const proc = spawn(process.execPath, [join(ROOT, 'demo/server/main.js')], {
      cwd: ROOT,
      env: {
        ...process.env,
        PORT: String(port),
        DATA_DIR: dataDir,
        JWT_SECRET: jwtSecret,
        SESSION_TTL_SECONDS: String(ttlSeconds),
        AMOIQ_DEBUG_HOOKS: '1',
        TRUST_PROXY: '1',
        ...(widgetDir ? { WIDGET_DIR: widgetDir } : {}),
        ...extraEnv,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    starting = new Promise((resolveStart, rejectStart) => {
      let ready = false;
      let stdout = '';
      let stderr = '';
      const timer = setTimeout(() => fail(new Error(`${name} did not get ready in ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS);
      /** @param {Error} error */
      const fail = (error) => {
        clearTimeout(timer);
        if (ready) return;
        ready = true; // report once
        const detail = stderr.trim().split('\n').slice(-10).join('\n');
        console.error(`[${name}] ${error.message}${detail ? `\n${detail}` : ''}`);
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
        out.write(`--- ${name} exited (code ${code}, signal ${signal})\n`);
        if (child === proc) {
          child = null;
          starting = null;
        }
        fail(new Error(`${name} exited before it was ready (code ${code}, signal ${signal})`));
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
    start,
    stop,
    /** @returns {string | null} */
    url: () => url,
    async dispose() {
      await stop('SIGTERM');
      log?.end();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Writes one raw request on a fresh TCP connection and reads the answer until the server closes
 * it or 3 s pass. Only the status line, headers and body are parsed, loosely.
 * @param {string} baseUrl
 * @param {Buffer} data
 * @returns {Promise<{ status: number, headers: Record<string, string>, body: string }>}
 */
function rawRequest(baseUrl, data) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolveAnswer) => {
    /** @type {Buffer[]} */
    const chunks = [];
    const socket = connect({ host: hostname, port: Number(port) });
    const finish = () => {
      clearTimeout(timer);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('latin1');
      const [head, ...rest] = text.split('\r\n\r\n');
      const lines = head.split('\r\n');
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0);
      /** @type {Record<string, string>} */
      const headers = {};
      for (const line of lines.slice(1)) {
        const at = line.indexOf(':');
        if (at > 0) headers[line.slice(0, at).trim().toLowerCase()] = line.slice(at + 1).trim();
      }
      let body = rest.join('\r\n\r\n');
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) body = dechunk(body);
      resolveAnswer({ status, headers, body: Buffer.from(body, 'latin1').toString('utf8') });
    };
    const timer = setTimeout(finish, 3000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      // One answer is all we want: stop once a complete Content-Length body is in.
      const text = Buffer.concat(chunks).toString('latin1');
      if (hasWholeAnswer(text) || /^HTTP\/1\.1 204\r\n[\s\S]*\r\n\r\n/.test(text)) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    // write, not end: a half-closed request may be dropped before its async handler answers.
    socket.on('connect', () => socket.write(data));
  });
}

/**
 * Streams a large upload and reports when the server answered: `{ status, body, sent, complete }`
 * where `sent` is the number of body bytes written before the answer and `complete` whether the
 * whole body was written. With `chunked` the body is sent chunked and never terminated; with
 * `declaredLength` the `Content-Length` header claims that many bytes. Status 0: no answer in 10 s.
 * @param {string} baseUrl
 * @param {{ path: string, headers: Record<string, string>, sendBytes: number, declaredLength?: number, chunked?: boolean }} options
 */
function uploadProbe(baseUrl, { path, headers, sendBytes, declaredLength, chunked }) {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolveAnswer) => {
    const socket = connect({ host: hostname, port: Number(port) });
    /** @type {Buffer[]} */
    const chunks = [];
    let sent = 0;
    let answered = false;
    const finish = () => {
      if (answered) return;
      answered = true;
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString('utf8');
      socket.destroy();
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0);
      const [head, ...rest] = text.split('\r\n\r\n');
      const body = /\r\ntransfer-encoding: *chunked/i.test(head) ? dechunk(rest.join('\r\n\r\n')) : rest.join('\r\n\r\n');
      resolveAnswer({ status, body, sent, complete: sent >= sendBytes && !chunked && declaredLength === undefined });
    };
    const timer = setTimeout(finish, 10_000);
    socket.on('data', (chunk) => {
      chunks.push(chunk);
      if (hasWholeAnswer(Buffer.concat(chunks).toString('latin1'))) finish();
    });
    socket.on('end', finish);
    socket.on('error', finish);
    socket.on('connect', async () => {
      /** @type {Record<string, string>} */
      const all = { Host: '127.0.0.1', Connection: 'close', ...headers };
      if (chunked) all['Transfer-Encoding'] = 'chunked';
      else all['Content-Length'] = String(declaredLength ?? sendBytes);
      socket.write(`POST ${path} HTTP/1.1\r\n${Object.entries(all).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
      const piece = Buffer.alloc(64 * 1024, 0x41);
      while (sent < sendBytes && !answered) {
        const size = Math.min(piece.length, sendBytes - sent);
        const data = chunked ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from('\r\n')]) : piece.subarray(0, size);
        sent += size;
        if (!socket.write(data)) {
          // Wait for the buffer to drain, or for the answer (the server may stop reading).
          await new Promise((resolveDrain) => {
            socket.once('drain', resolveDrain);
            const poll = setInterval(() => answered && (clearInterval(poll), resolveDrain(undefined)), 50);
            socket.once('drain', () => clearInterval(poll));
          });
        }
      }
    });
  });
}

/**
 * True once `text` (an HTTP/1.1 answer read so far, latin1) holds its headers and the whole
 * `Content-Length` body.
 * @param {string} text
 */
function hasWholeAnswer(text) {
  const split = text.indexOf('\r\n\r\n');
  const length = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split))?.[1];
  return split >= 0 && length !== undefined && Buffer.byteLength(text.slice(split + 4), 'latin1') >= Number(length);
}

/**
 * Decodes a chunked body (latin1 text in, latin1 text out); stops at the first malformed size.
 * @param {string} text
 */
function dechunk(text) {
  let out = '';
  let at = 0;
  for (;;) {
    const eol = text.indexOf('\r\n', at);
    const size = eol < 0 ? NaN : parseInt(text.slice(at, eol), 16);
    if (!Number.isFinite(size) || size <= 0) return out;
    out += text.slice(eol + 2, eol + 2 + size);
    at = eol + 2 + size + 2;
  }
}

/**
 * Opens a WebSocket with a chosen `Origin` and reports what happened.
 * @param {string} baseUrl
 * @param {{ path: string, origin?: string }} options
 * @returns {Promise<{ status: number, body?: string, frame?: unknown, close?: number }>}
 */
function wsUpgrade(baseUrl, { path, origin }) {
  return new Promise((resolveAnswer) => {
    const ws = new WebSocket(baseUrl.replace(/^http/, 'ws') + path, origin ? { origin } : {});
    /** @type {unknown} */
    let frame;
    const timer = setTimeout(() => {
      ws.terminate();
      resolveAnswer({ status: 101, frame, close: 0 });
    }, 3000);
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => {
        clearTimeout(timer);
        resolveAnswer({ status: res.statusCode ?? 0, body });
      });
    });
    ws.on('message', (data) => {
      frame ??= JSON.parse(data.toString());
      ws.close();
    });
    ws.on('close', (code) => {
      clearTimeout(timer);
      resolveAnswer({ status: 101, frame, close: code });
    });
    ws.on('error', () => undefined); // 'unexpected-response' or 'close' reports it
  });
}

/**
 * Runs `vite build` (the drop-in script, vite.config.ts) into `outDir`.
 * @param {string} outDir
 * @returns {Promise<void>}
 */
function buildWidget(outDir) {
  return new Promise((resolveBuild, rejectBuild) => {
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const proc = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    proc.on('error', rejectBuild);
    proc.on('exit', (code) => (code === 0 ? resolveBuild() : rejectBuild(new Error(`vite build failed (${code}): ${stderr}`))));
  });
}

/**
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function backendPlugin() {
  // Fixed per run (not per start) so tokens survive restarts, and known to the tests so they can
  // mint an expired token for the `token_expired` cases.
  const jwtSecret = `test-${randomBytes(16).toString('hex')}`;
  const widgetDir = mkdtempSync(join(tmpdir(), 'amoiq-widget-'));
  /** @type {Promise<void> | null} */
  let building = null;
  const main = backendInstance({ name: 'backend', jwtSecret, ttlSeconds: 900, widgetDir });
  const short = backendInstance({ name: 'backend-short', jwtSecret, ttlSeconds: SHORT_TTL_SECONDS });
  // The chaos suite sends hundreds of messages a minute from one visitor: its own instance, with
  // the per-sender flood limit out of the way (the limit itself is tested on the main instance).
  const chaos = backendInstance({ name: 'backend-chaos', jwtSecret, ttlSeconds: 900, extraEnv: { RATE_SENDS_PER_SENDER: '100000' } });
  const info = (/** @type {ReturnType<typeof backendInstance>} */ instance) => ({ url: instance.url(), ...DEMO, other: ACME, jwtSecret });

  return {
    name: 'amoiq-backend',

    async executeCommand({ command, payload }) {
      const args = /** @type {any} */ (payload);
      switch (command) {
        case 'backend-info':
          await main.start();
          return info(main);
        case 'backend-restart':
          await main.stop('SIGTERM');
          await main.start();
          return info(main);
        case 'backend-kill':
          await main.stop('SIGKILL');
          return info(main);
        case 'backend-start':
          await main.start();
          return info(main);
        case 'backend-short-info':
        case 'backend-short-start':
          await short.start();
          return info(short);
        case 'backend-short-kill':
          await short.stop('SIGKILL');
          return info(short);
        case 'backend-chaos-info':
        case 'backend-chaos-start':
          await chaos.start();
          return info(chaos);
        case 'backend-chaos-kill':
          await chaos.stop('SIGKILL');
          return info(chaos);
        case 'backend-raw-http': {
          const base = await main.start();
          /** @type {Array<{ data: string }>} */
          const requests = args?.requests ?? [];
          const answers = [];
          // A few at a time: enough to be quick, few enough not to trip the server's own limits.
          for (let i = 0; i < requests.length; i += 8) {
            const batch = requests.slice(i, i + 8).map((r) => rawRequest(base, Buffer.from(r.data, 'base64')));
            answers.push(...(await Promise.all(batch)));
          }
          return answers;
        }
        case 'backend-build-widget':
          building ??= buildWidget(widgetDir);
          building.catch(() => (building = null));
          await building;
          return { widgetDir };
        case 'backend-ws-upgrade':
          return wsUpgrade(await main.start(), args);
        case 'backend-upload-probe':
          return uploadProbe(await main.start(), args);
        default:
          return undefined;
      }
    },

    // Start the main backend while the browser launches and the first files compile: a cold start
    // (PGlite) can take longer than the 20 s a test command may wait on a loaded machine.
    serverStart() {
      main.start().catch(() => undefined);
    },

    async serverStop() {
      await Promise.all([main.dispose(), short.dispose(), chaos.dispose()]);
      rmSync(widgetDir, { recursive: true, force: true });
    },
  };
}
