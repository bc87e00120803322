// @ts-check
/**
 * @web/test-runner plugin that runs the reference backend (`node demo/server/main.js`) as a child
 * process for the tests, and lets browser tests control it through server commands:
 *
 * - `backend-info`    → `{ url, apiKey, tenantId, agent, other, jwtSecret }` (starts the backend on
 *   first use). The instances read a tenants file the plugin writes: demo/server/tenants.json with
 *   a `passwordHash` for each agent (test passwords, made per run), and their identity secrets
 *   come from the environment (`IDENTITY_SECRET_<TENANT>`), as in production: no secret is in the
 *   repository
 * - `backend-restart` → SIGTERM, then start again on the same port and data directory
 * - `backend-kill`    → SIGKILL, no restart (chaos tests)
 * - `backend-start`   → start again on the same port and data directory
 * - `backend-short-info` / `backend-short-kill` / `backend-short-start` → the same for a second
 *   instance whose session tokens live {@link SHORT_TTL_SECONDS} seconds (token-expiry tests)
 * - `backend-chaos-info` / `backend-chaos-kill` / `backend-chaos-start` → the same for a third
 *   instance without the per-sender message limit, for the chaos suite's floods
 * - `backend-assistant-info` / `backend-assistant-kill` / `backend-assistant-start` → the same for an
 *   instance with the demo tenant's AI assistant on (the knowledge base; docs/assistant.md)
 * - `backend-assistant-mail` → `[{ to, raw }]`: the transcript e-mails that instance sent (to an
 *   SMTP server of the run)
 * - `backend-raw-http` `{ requests: [{ data }], target?, sequential?, timeoutMs? }` (data base64)
 *   → writes each raw HTTP/1.1 request on its own TCP connection to the main instance (or `sec`,
 *   `proxy`) and answers `[{ status, headers, body }]` (status 0: no answer in `timeoutMs`, 3 s). Lets tests send what a browser cannot: any `Origin`, broken headers,
 *   `X-Forwarded-For` (the instances trust it: `TRUST_PROXY=1`).
 * - `backend-build-widget` → builds the drop-in script (`vite build`) once per run and copies it
 *   into the temporary directory the main instance serves as `/amoiq-chat.js` (`WIDGET_DIR`): the strict-CSP
 *   test needs the real bundle, and CI runs the tests before `npm run build`
 * - `backend-upload-probe` `{ path, headers, sendBytes, declaredLength?, chunked? }` → streams a
 *   large upload to the main instance and answers `{ status, body, sent, complete }` (how many
 *   body bytes were written before the answer): the size-limit tests
 * - `backend-ws-upgrade` `{ path, origin }` → opens a WebSocket to the main instance with that
 *   `Origin`; answers `{ status, body }` for a refused upgrade or `{ status: 101, frame, close }`
 *   (first frame, close code) for an accepted one
 *
 * - `backend-static-fixture` → puts a probe chunk and symlinks that point out of the served
 *   folders (at the tenants file, demo/server/, the data directory) into the main instance's
 *   widget directory: the static-server tests
 * - `backend-sec-*`: a fourth instance for the security tests (test/server/secure-*.test.ts): the
 *   default CORS (no agent console origin), low login and session limits so they show quickly,
 *   a tenants file the tests rewrite. `backend-sec-info` → `{ url, apiKey, tenantId, tenants,
 *   passwords, identitySecret, console }`; `backend-sec-tenants` `{ tenants, apply: 'restart' |
 *   'reload' }` writes the file and restarts or sends SIGHUP, answering the generated logins it
 *   printed; `backend-sec-inspect` `{ email?, needles? }` stops it, reads the agent's stored hash
 *   and counts the files of its data directory and its tenants file that hold each needle, and
 *   starts it again
 * - `backend-hash-password` `{ password, legacy? }` → a `passwordHash` (legacy: the old N = 2^14
 *   format without parameters)
 * - `backend-check-tenants` `{ tenants }` → `{ code, stderr }` of a start with that tenants file
 * - `backend-proxy-start` → starts HAProxy (`option forwardfor`: it appends the client address to
 *   `X-Forwarded-For`) in front of the security instance: `{ url }`, or `{ skip }` when haproxy
 *   is not installed
 * - `backend-login-flood` `{ count }` → fires `count` logins at the security instance at once
 *   (each from its own forwarded address and for its own unknown account), then asks for the
 *   widget script (a chunk in the widget directory the security instance shares with the main
 *   one) and a visitor session while they are being checked: answers the logins' statuses and,
 *   for the two probes, their status and how many logins had been checked (401) before them
 * - `backend-build-console` `{ mode }` → builds the agent console (`vite build`, that mode) into a
 *   temporary directory and answers its JavaScript
 *
 * Pages of the `postgres` group (web-test-runner.config.mjs) get a fifth instance,
 * `backend-postgres`, as their main one (`backend-info`, `-restart`, `-kill`, `-start`, raw HTTP,
 * uploads, WebSocket upgrades): the same backend with `DATABASE_URL`, a database of its own on the
 * run's PostgreSQL test server (test/plugins/postgres.mjs: `AMOIQ_TEST_DATABASE_URL`, or one
 * started for this run), so those test files run on both stores.
 *
 * Each browser of a full run (a lane: web-test-runner.config.mjs spreads the files over them) has
 * all of these instances to itself ({@link backendSet}, chosen by the page's group through the
 * `lanes` option), so no file shares a backend with a file running at the same time in another
 * browser; lane 1's are named as above, lane N's end in `-laneN` (their logs too). The widget is
 * built once per run and copied into each lane's widget directory.
 *
 * The instances run with `AMOIQ_DEBUG_HOOKS=1` (raw-frame injection for the malformed-frame
 * tests). Each run gets fresh temporary data directories (their database a copy of an empty
 * PGlite cluster made once, pglite-template.mjs). The children's output goes to
 * `test-results/<name>.log`; only a failed start is reported in the test output.
 */
import { spawn } from 'node:child_process';
import { randomBytes, scryptSync } from 'node:crypto';
import {
  cpSync,
  createWriteStream,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { hashPassword } from '../../demo/server/auth.js';
import { startSmtp } from '../node/helpers/smtp.mjs';
import { seedDataDir } from './pglite-template.mjs';
import { testDatabase } from './postgres.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const READY = /^amoiq-chat backend ready on (http:\/\/\S+)$/m;
/** A start takes seconds; on a machine loaded far beyond its cores it has taken over a minute. */
const START_TIMEOUT_MS = 120_000;
/** Session-token lifetime of the second instance. */
export const SHORT_TTL_SECONDS = 3;

/** Per-run test passwords of the agents in demo/server/tenants.json (the file itself has none). */
const PASSWORDS = { agent_demo_ada: `demo-${randomBytes(6).toString('hex')}`, agent_acme_wile: `acme-${randomBytes(6).toString('hex')}` };
/**
 * The identity secrets the test instances get from the environment. Test values; test/server/
 * helpers.ts holds the same two (DEMO_IDENTITY_SECRET, ACME_IDENTITY_SECRET) to sign userTokens.
 */
const IDENTITY_SECRETS = {
  IDENTITY_SECRET_DEMO: 'test-identity-secret-demo-2f9c41',
  IDENTITY_SECRET_ACME: 'test-identity-secret-acme-8d03b7',
};
const DEMO = {
  apiKey: 'pk_demo_amoiq_public_key',
  tenantId: 'demo',
  agent: { email: 'agent@demo.test', password: PASSWORDS.agent_demo_ada },
};
const ACME = {
  apiKey: 'pk_acme_amoiq_public_key',
  tenantId: 'acme',
  agent: { email: 'agent@acme.test', password: PASSWORDS.agent_acme_wile },
};
/**
 * The shared instances run with the login limits out of the way (the fuzz suite alone sends
 * dozens of wrong passwords for the demo agent); the limits are tested on the security instance.
 */
const RELAXED_LOGIN = { LOGIN_FAILURES_PER_ACCOUNT: '1000000', LOGIN_FAILURES_PER_IP: '1000000' };

/** @type {Promise<string> | null} */
let testTenantsFile = null;
/**
 * demo/server/tenants.json with a hash of each test password, written once per run.
 * @returns {Promise<string>}
 */
function tenantsFileForTests() {
  testTenantsFile ??= (async () => {
    const { tenants } = JSON.parse(readFileSync(join(ROOT, 'demo/server/tenants.json'), 'utf8'));
    await Promise.all(
      tenants.flatMap((/** @type {any} */ tenant) =>
        (tenant.agents ?? []).map(async (/** @type {any} */ agent) => {
          const password = PASSWORDS[/** @type {keyof typeof PASSWORDS} */ (agent.id)];
          if (password) agent.passwordHash = await hashPassword(password);
        }),
      ),
    );
    const file = join(mkdtempSync(join(tmpdir(), 'amoiq-tenants-')), 'tenants.json');
    writeFileSync(file, JSON.stringify({ tenants }, null, 2));
    return file;
  })();
  return testTenantsFile;
}

/**
 * One backend child process: started on demand, restartable on the same port and data directory.
 * @param {{
 *   name: string, jwtSecret: string, ttlSeconds: number, widgetDir?: string,
 *   extraEnv?: Record<string, string> | (() => Record<string, string>), tenantsFile: () => Promise<string>,
 *   postgres?: boolean,
 * }} options
 *   `extraEnv` as a function is read at each start (the test pages' origin is known only later);
 *   `postgres`: the instance stores in a database of its own on the run's PostgreSQL test server
 *   (DATABASE_URL, test/plugins/postgres.mjs) instead of PGlite, the same database across restarts
 */
function backendInstance({ name, jwtSecret, ttlSeconds, widgetDir, extraEnv = {}, tenantsFile, postgres = false }) {
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
  /** @type {Promise<{ url: string, drop: () => Promise<void> }> | null} */
  let database = null;
  /** Resolves once every child stopped so far has exited. @type {Promise<unknown>} */
  let exited = Promise.resolve();
  /** Everything the current child printed on stdout (for the lines after the ready line). */
  let output = '';
  /** @type {Set<() => void>} */
  const outputWaiters = new Set();

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
    // Not before every child stopped so far has exited: two commands that stop the instance at
    // once (a page repeats a restart it gave up waiting for) would otherwise start the next
    // child while the old one still holds the port (EADDRINUSE).
    const attempt = Promise.all([tenantsFile(), seeded(), exited]).then(([tenants]) => spawnChild(tenants));
    // A failed start may be retried by the next command (unless a newer one is under way).
    attempt.catch(() => starting === attempt && (starting = null));
    starting = attempt;
    return attempt;
  }

  /**
   * The data directory, made on the first start from a copy of an empty cluster (no initdb); on
   * PostgreSQL the database, made on the first start.
   */
  async function seeded() {
    if (postgres) {
      database ??= testDatabase('browser');
      database.catch(() => (database = null));
      await database;
    }
    if (dataDir) return;
    const dir = mkdtempSync(join(tmpdir(), 'amoiq-backend-'));
    if (!postgres) await seedDataDir(dir);
    dataDir ??= dir;
  }

  /**
   * @param {string} tenants the tenants file
   * @returns {Promise<string>}
   */
  async function spawnChild(tenants) {
    dataDir ??= mkdtempSync(join(tmpdir(), 'amoiq-backend-'));
    port ||= await restartablePort();
    const databaseUrl = database ? (await database).url : undefined;
    const out = openLog();
    out.write(`\n--- starting ${name} (port ${port || 'random'}, data ${dataDir}) at ${new Date().toISOString()}\n`);
    output = '';
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
        TENANTS_FILE: tenants,
        // The assistant answers only on instances that ask for it (ASSISTANT: 'on' in extraEnv): the
        // other suites' conversations are between visitors and agents.
        ASSISTANT: 'off',
        ...IDENTITY_SECRETS,
        ...(widgetDir ? { WIDGET_DIR: widgetDir } : {}),
        ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
        ...(typeof extraEnv === 'function' ? extraEnv() : extraEnv),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = proc;
    return new Promise((resolveStart, rejectStart) => {
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
        // Answer once it is gone: a next start binds the same port.
        if (proc.exitCode !== null || proc.signalCode !== null) return rejectStart(error);
        proc.once('exit', () => rejectStart(error));
        setTimeout(() => rejectStart(error), 10_000).unref(); // a spawn error may never exit
        proc.kill('SIGKILL');
      };
      proc.stdout?.on('data', (chunk) => {
        out.write(chunk);
        if (child === proc) {
          output += chunk;
          for (const wake of [...outputWaiters]) wake();
        }
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
  }

  /**
   * Waits until the current child's stdout matches `pattern` (at most 30 s).
   * @param {RegExp} pattern
   * @returns {Promise<RegExpExecArray>}
   */
  function waitForOutput(pattern) {
    return new Promise((resolveMatch, rejectMatch) => {
      const check = () => {
        const match = pattern.exec(output);
        if (!match) return false;
        outputWaiters.delete(check);
        clearTimeout(timer);
        resolveMatch(match);
        return true;
      };
      const timer = setTimeout(() => {
        outputWaiters.delete(check);
        rejectMatch(new Error(`${name}: no output matching ${pattern} in 30 s`));
      }, 30_000);
      if (!check()) outputWaiters.add(check);
    });
  }

  /**
   * Stops the child with `signal` and waits for it to exit.
   * @param {NodeJS.Signals} signal
   */
  async function stop(signal) {
    const proc = child;
    if (proc) {
      child = null;
      starting = null;
      if (proc.exitCode === null && proc.signalCode === null) {
        const gone = new Promise((resolveExit) => {
          proc.once('exit', resolveExit);
          proc.kill(signal);
          // SIGTERM is a request; don't let a stuck shutdown hang the run.
          if (signal !== 'SIGKILL') setTimeout(() => proc.kill('SIGKILL'), 10_000).unref();
          // A child whose spawn failed may never report an exit: don't hold later starts forever.
          setTimeout(resolveExit, 20_000).unref();
        });
        exited = Promise.all([exited, gone]);
      }
    }
    // Also when another command is stopping it right now: return once that child is gone.
    await exited;
  }

  return {
    start,
    stop,
    waitForOutput,
    /** The current child's stdout so far. */
    output: () => output,
    /** Sends a signal to the running child (false when none runs). @param {NodeJS.Signals} signal */
    signal: (signal) => Boolean(child && child.kill(signal)),
    /** @returns {string | null} */
    dataDir: () => dataDir,
    /** @returns {string | null} */
    url: () => url,
    async dispose() {
      await stop('SIGTERM');
      log?.end();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      await (await database?.catch(() => null))?.drop().catch(() => undefined);
    },
  };
}

/**
 * Writes one raw request on a fresh TCP connection and reads the answer until the server closes
 * it or `timeoutMs` (3 s) pass. Only the status line, headers and body are parsed, loosely.
 * @param {string} baseUrl
 * @param {Buffer} data
 * @param {number} [timeoutMs]
 * @returns {Promise<{ status: number, headers: Record<string, string>, body: string }>}
 */
function rawRequest(baseUrl, data, timeoutMs = 3000) {
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
    const timer = setTimeout(finish, timeoutMs);
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
      socket.write(
        `POST ${path} HTTP/1.1\r\n${Object.entries(all)
          .map(([k, v]) => `${k}: ${v}\r\n`)
          .join('')}\r\n`,
      );
      const piece = Buffer.alloc(64 * 1024, 0x41);
      while (sent < sendBytes && !answered) {
        const size = Math.min(piece.length, sendBytes - sent);
        const data = chunked
          ? Buffer.concat([Buffer.from(`${size.toString(16)}\r\n`), piece.subarray(0, size), Buffer.from('\r\n')])
          : piece.subarray(0, size);
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
    const proc = spawn(process.execPath, [vite, 'build', '--logLevel', 'warn', '--outDir', outDir, '--emptyOutDir'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    proc.on('error', rejectBuild);
    proc.on('exit', (code) => (code === 0 ? resolveBuild() : rejectBuild(new Error(`vite build failed (${code}): ${stderr}`))));
  });
}

/**
 * Runs `vite build` of the agent console (demo/agent/vite.config.ts) in `mode` into `outDir` and
 * answers the text of every JavaScript file it wrote.
 * @param {string} outDir
 * @param {string} mode
 * @returns {Promise<string>}
 */
function buildConsole(outDir, mode) {
  return new Promise((resolveBuild, rejectBuild) => {
    const vite = join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const args = [
      vite,
      'build',
      '--logLevel',
      'warn',
      '--config',
      'demo/agent/vite.config.ts',
      '--mode',
      mode,
      '--outDir',
      outDir,
      '--emptyOutDir',
    ];
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    proc.on('error', rejectBuild);
    proc.on('exit', (code) => {
      if (code !== 0) return rejectBuild(new Error(`console build failed (${code}): ${stderr}`));
      const files = readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
      resolveBuild(files.map((f) => readFileSync(join(outDir, f), 'utf8')).join('\n'));
    });
  });
}

/**
 * A free port for a backend that restarts on the same port: below the kernel's ephemeral range
 * (32768 and up on Linux), which a port the kernel picks (`PORT=0`) is in. Once the backend is
 * stopped, any outgoing connection on the machine may take an ephemeral port as its own, and the
 * restart then fails with EADDRINUSE (seen on a busy machine: every later file failed).
 * @returns {Promise<number>}
 */
async function restartablePort() {
  for (let attempt = 0; attempt < 50; attempt++) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const free = await new Promise((answer) => {
      const probe = createNetServer();
      probe.once('error', () => answer(false));
      probe.listen(port, '127.0.0.1', () => probe.close(() => answer(true)));
    });
    if (free) return port;
  }
  return 0;
}

/** A free TCP port on 127.0.0.1. @returns {Promise<number>} */
function freePort() {
  return new Promise((resolvePort, rejectPort) => {
    const probe = createNetServer();
    probe.once('error', rejectPort);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolvePort(port));
    });
  });
}

/** Where HAProxy is, or null. */
function haproxyPath() {
  return ['/usr/sbin/haproxy', '/usr/local/sbin/haproxy', '/usr/bin/haproxy'].find((p) => existsSync(p)) ?? null;
}

/**
 * Starts HAProxy in front of `backendUrl`: HTTP mode, `option forwardfor` (appends the address
 * of whoever connected to it to `X-Forwarded-For`, keeping what the client sent), foreground.
 * @param {string} binary
 * @param {string} backendUrl
 * @param {import('node:fs').WriteStream} log
 * @returns {Promise<{ url: string, proc: import('node:child_process').ChildProcess }>}
 */
async function startHaproxy(binary, backendUrl, log) {
  const port = await freePort();
  const backend = new URL(backendUrl);
  const config = [
    'global',
    '  maxconn 512',
    'defaults',
    '  mode http',
    '  timeout connect 5s',
    '  timeout client 60s',
    '  timeout server 60s',
    'frontend amoiq',
    `  bind 127.0.0.1:${port}`,
    '  option forwardfor',
    '  default_backend chat',
    'backend chat',
    `  server chat ${backend.hostname}:${backend.port}`,
    '',
  ].join('\n');
  const file = join(mkdtempSync(join(tmpdir(), 'amoiq-haproxy-')), 'haproxy.cfg');
  writeFileSync(file, config);
  const proc = spawn(binary, ['-db', '-f', file], { stdio: ['ignore', 'pipe', 'pipe'] });
  proc.stdout?.on('data', (chunk) => log.write(chunk));
  proc.stderr?.on('data', (chunk) => log.write(chunk));
  // Ready once it accepts connections.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`haproxy exited with ${proc.exitCode} (see test-results/haproxy.log)`);
    const up = await new Promise((resolveUp) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolveUp(true);
      });
      socket.on('error', () => resolveUp(false));
    });
    if (up) break;
    if (Date.now() > deadline) throw new Error('haproxy did not listen in 10 s');
    await new Promise((r) => setTimeout(r, 50));
  }
  return { url: `http://127.0.0.1:${port}`, proc };
}

/**
 * Sends one HTTP request from Node; answers `{ status, headers, body, at }` with `at` the time
 * (performance.now()) the whole answer was in.
 * @param {string} url
 * @param {RequestInit} init
 */
async function timedFetch(url, init) {
  try {
    const res = await fetch(url, init);
    const body = await res.text();
    return { status: res.status, headers: Object.fromEntries(res.headers), body, at: performance.now() };
  } catch (error) {
    return { status: 0, headers: {}, body: String(error), at: performance.now() };
  }
}

/**
 * A login flood against `baseUrl`: `count` logins at once, each with its own `X-Forwarded-For`
 * (the instance trusts one proxy) and its own unknown account, so neither login limit stops them
 * and every one reaches the password check; then, while they are being checked, the widget script
 * and a visitor session. For those two: status and how many logins were answered before them.
 * @param {string} baseUrl
 * @param {number} count
 * @param {string} staticPath
 */
async function loginFlood(baseUrl, count, staticPath) {
  const started = performance.now();
  /** @type {Array<{ at: number, status: number }>} */
  const answered = [];
  const logins = Array.from({ length: count }, (_, i) =>
    timedFetch(`${baseUrl}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': `198.18.${i >> 8}.${i & 255}` },
      body: JSON.stringify({ email: `flood-${i}-${randomBytes(4).toString('hex')}@example.test`, password: 'wrong' }),
    }).then((answer) => {
      answered.push({ at: answer.at, status: answer.status });
      return answer;
    }),
  );
  // Give the logins a head start until the server has taken some in (the first answers, if any,
  // are the refused ones), then measure the others against them.
  const firstAnswer = await Promise.race(logins);
  // `checkedBefore`: logins whose password had been checked (401) when the probe was answered.
  const probe = async (/** @type {string} */ path, /** @type {RequestInit} */ init) => {
    const answer = await timedFetch(`${baseUrl}${path}`, init);
    const checkedBefore = answered.filter((a) => a.at <= answer.at && a.status === 401).length;
    return { status: answer.status, ms: Math.round(answer.at - started), checkedBefore };
  };
  const [script, session] = await Promise.all([
    probe(staticPath, {}),
    probe('/api/chat/session', {
      method: 'POST',
      headers: { Authorization: 'Bearer tenant:demo', 'Content-Type': 'application/json', 'X-Forwarded-For': '198.19.0.1' },
      body: '{}',
    }),
  ]);
  const all = await Promise.all(logins);
  /** @type {Record<string, number>} */
  const statuses = {};
  for (const answer of all) statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
  return { count, statuses, firstAnswerStatus: firstAnswer.status, script, session, totalMs: Math.round(performance.now() - started) };
}

/**
 * One lane's backends: the instances a browser's pages talk to (main, PostgreSQL, short, chaos,
 * assistant, security, HAProxy, an SMTP server) and the commands on them. Each browser of a full
 * run (web-test-runner.config.mjs) has a set of its own, made on its first command, so two files
 * in two browsers never share an instance: one may restart, kill or flood "main" while the other
 * uses its own "main" on another port and data directory. Lane 1 keeps the instance names (its
 * logs are test-results/backend.log etc.); lane N's end in `-laneN`.
 * @param {number} lane
 * @param {{ jwtSecret: string, pageOrigins: () => string, widget: () => Promise<string> }} common
 *   `widget()` builds the drop-in script once per run and answers its directory
 */
function backendSet(lane, common) {
  const { jwtSecret } = common;
  const suffix = lane === 1 ? '' : `-lane${lane}`;
  /** The directory the lane's main, assistant and security instances serve as the widget's (WIDGET_DIR). */
  const widgetDir = mkdtempSync(join(tmpdir(), 'amoiq-widget-'));
  const shared = () => ({ AGENT_CONSOLE_ORIGINS: common.pageOrigins(), ...RELAXED_LOGIN });
  const main = backendInstance({
    name: `backend${suffix}`,
    jwtSecret,
    ttlSeconds: 900,
    widgetDir,
    tenantsFile: tenantsFileForTests,
    extraEnv: shared,
  });
  const mainPglite = main;
  // The same, on PostgreSQL: the main instance of the pages of the `postgres` group.
  const mainPostgres = backendInstance({
    name: `backend-postgres${suffix}`,
    jwtSecret,
    ttlSeconds: 900,
    widgetDir,
    tenantsFile: tenantsFileForTests,
    extraEnv: shared,
    postgres: true,
  });
  const short = backendInstance({
    name: `backend-short${suffix}`,
    jwtSecret,
    ttlSeconds: SHORT_TTL_SECONDS,
    tenantsFile: tenantsFileForTests,
    extraEnv: shared,
  });
  // The chaos suite sends hundreds of messages a minute from one visitor: its own instance, with
  // the per-sender flood limit out of the way (the limit itself is tested on the main instance).
  const chaos = backendInstance({
    name: `backend-chaos${suffix}`,
    jwtSecret,
    ttlSeconds: 900,
    tenantsFile: tenantsFileForTests,
    extraEnv: () => ({ ...shared(), RATE_SENDS_PER_SENDER: '100000' }),
  });
  // The assistant instance sends transcript e-mails to an SMTP server of the run (smtp-server, no
  // TLS, no auth); its tests read what arrived with `backend-assistant-mail`.
  /** @type {Awaited<ReturnType<typeof startSmtp>> | null} */
  let smtp = null;
  void startSmtp({ unref: true }).then((started) => (smtp = started));
  /** @returns {Record<string, string>} */
  const mailEnv = () => (smtp ? { SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, SMTP_FROM: 'Demo Store <support@demo-store.example>' } : {});
  // The assistant's e2e tests: the demo tenant's assistant on (every other instance runs with ASSISTANT=off).
  const assistant = backendInstance({
    name: `backend-assistant${suffix}`,
    jwtSecret,
    ttlSeconds: 900,
    widgetDir,
    tenantsFile: tenantsFileForTests,
    // Deltas 250 ms apart (docs/assistant.md, ASSISTANT_KB_DELAY_MS): a passage streams for a few
    // seconds, so the tests can Stop it or kill the backend in the middle, waiting on the first delta.
    extraEnv: () => ({ ...shared(), ...mailEnv(), ASSISTANT: 'on', ASSISTANT_KB_DELAY_MS: '250' }),
  });
  const info = (/** @type {ReturnType<typeof backendInstance>} */ instance) => ({ url: instance.url(), ...DEMO, other: ACME, jwtSecret });

  // The security instance: default CORS (no console origin), its own tenants file, low limits.
  const secDir = mkdtempSync(join(tmpdir(), 'amoiq-sec-'));
  const secTenantsFile = join(secDir, 'tenants.json');
  /** @type {Record<string, string>} agent e-mail → password */
  const secPasswords = {};
  /** @type {Promise<any[]> | null} */
  let secBase = null;
  const secBaseTenants = () =>
    (secBase ??= (async () => {
      const { tenants } = JSON.parse(readFileSync(join(ROOT, 'demo/server/tenants.json'), 'utf8'));
      const demo = tenants.find((/** @type {any} */ t) => t.id === 'demo');
      // Agents the tests log in with, remove and re-key: one per purpose, so tests do not meet.
      demo.agents = ['ada', 'logout', 'removed', 'rekeyed', 'limited', 'socket'].map((who) => ({
        id: `agent_sec_${who}`,
        email: `${who}@sec.test`,
        name: `Sec ${who}`,
      }));
      await Promise.all(
        demo.agents.map(async (/** @type {any} */ agent) => {
          secPasswords[agent.email] = `pw-${agent.id}-${randomBytes(4).toString('hex')}`;
          agent.passwordHash = await hashPassword(secPasswords[agent.email]);
        }),
      );
      // One agent whose hash is from before the cost was raised (N = 2^14, no parameters).
      secPasswords['legacy@sec.test'] = `pw-legacy-${randomBytes(4).toString('hex')}`;
      demo.agents.push({
        id: 'agent_sec_legacy',
        email: 'legacy@sec.test',
        name: 'Sec legacy',
        passwordHash: legacyHash(secPasswords['legacy@sec.test']),
      });
      tenants.push({
        id: 'gone',
        name: 'Removed later',
        apiKey: 'pk_gone_amoiq_public_key',
        allowedOrigins: ['*'],
        agents: [
          {
            id: 'agent_gone',
            email: 'agent@gone.test',
            name: 'Gone',
            passwordHash: await hashPassword((secPasswords['agent@gone.test'] = `pw-gone-${randomBytes(4).toString('hex')}`)),
          },
        ],
      });
      writeFileSync(secTenantsFile, JSON.stringify({ tenants }, null, 2));
      return tenants;
    })());
  const sec = backendInstance({
    name: `backend-sec${suffix}`,
    jwtSecret,
    ttlSeconds: 900,
    widgetDir,
    tenantsFile: async () => (await secBaseTenants(), secTenantsFile),
    extraEnv: {
      // No identity secret from the environment: generated into the data directory.
      IDENTITY_SECRET_DEMO: '',
      IDENTITY_SECRET_ACME: '',
      RATE_SESSIONS_PER_IP: '5',
      LOGIN_FAILURES_PER_ACCOUNT: '4',
      LOGIN_FAILURES_PER_IP: '6',
      LOGIN_LOCK_SECONDS: '60',
      LOGIN_HASH_QUEUE: '8',
    },
  });
  /** Generated logins a start or reload of the security instance printed: `[{ email, password }]`. */
  const printedLogins = (/** @type {string} */ text) =>
    [...text.matchAll(/^ {2}(?:demo agent|new agent) +(\S+@\S+) \/ (\S+)/gm)].map((m) => ({ email: m[1], password: m[2] }));
  const secInfo = async () => {
    const url = await sec.start();
    const secret = /demo identity +secret for signing userTokens: (\S+)/.exec(sec.output())?.[1] ?? null;
    return {
      url,
      apiKey: DEMO.apiKey,
      tenantId: 'demo',
      tenants: await secBaseTenants(),
      passwords: secPasswords,
      identitySecret: secret,
      output: sec.output(),
    };
  };
  /** @type {import('node:child_process').ChildProcess | null} */
  let haproxy = null;
  /** @type {Promise<{ url: string }> | null} */
  let proxyStarting = null;

  /**
   * @param {string} command
   * @param {any} args
   * @param {string} [group] the page's test group: `postgres` pages get the PostgreSQL instance
   *   as their main one
   */
  async function handle(command, args, group) {
    const main = group === 'postgres' ? mainPostgres : mainPglite;
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
      case 'backend-assistant-info':
      case 'backend-assistant-start':
        await assistant.start();
        return info(assistant);
      case 'backend-assistant-kill':
        await assistant.stop('SIGKILL');
        return info(assistant);
      case 'backend-assistant-mail':
        return (smtp?.received ?? []).map(({ to, raw }) => ({ to, raw }));
      case 'backend-raw-http': {
        const target = args?.target ?? 'main';
        const base =
          target === 'sec'
            ? await sec.start()
            : target === 'proxy'
              ? (await (proxyStarting ?? Promise.reject(new Error('proxy not started')))).url
              : await main.start();
        /** @type {Array<{ data: string }>} */
        const requests = args?.requests ?? [];
        const answers = [];
        // A few at a time: enough to be quick, few enough not to trip the server's own limits.
        // `sequential`: one after the other, for tests that count on the order.
        const batch = args?.sequential ? 1 : 8;
        for (let i = 0; i < requests.length; i += batch) {
          const group = requests.slice(i, i + batch).map((r) => rawRequest(base, Buffer.from(r.data, 'base64'), args?.timeoutMs));
          answers.push(...(await Promise.all(group)));
        }
        return answers;
      }
      case 'backend-build-widget':
        // Built once per run; each lane serves a copy (its static fixtures are its own).
        cpSync(await common.widget(), widgetDir, { recursive: true, force: true });
        return { widgetDir };
      case 'backend-ws-upgrade':
        return wsUpgrade(args?.target === 'sec' ? await sec.start() : await main.start(), args);
      case 'backend-upload-probe':
        return uploadProbe(await main.start(), args);
      case 'backend-static-fixture': {
        await main.start();
        const chunks = join(widgetDir, 'chunks');
        mkdirSync(chunks, { recursive: true });
        writeFileSync(join(chunks, 'static-probe.js'), 'export const probe = 1;\n');
        const links = {
          'escape-tenants.js': join(ROOT, 'demo/server/tenants.json'),
          'escape-server': join(ROOT, 'demo/server'),
          'escape-data.js': join(/** @type {string} */ (main.dataDir()), 'pg', 'PG_VERSION'),
        };
        for (const [name, target] of Object.entries(links)) {
          if (!existsSync(join(chunks, name))) symlinkSync(target, join(chunks, name));
        }
        return { chunk: 'static-probe.js', links: Object.keys(links) };
      }
      case 'backend-sec-info':
        return secInfo();
      case 'backend-sec-tenants': {
        await sec.start();
        writeFileSync(secTenantsFile, JSON.stringify({ tenants: args.tenants }, null, 2));
        if (args.apply === 'reload') {
          const before = sec.output().length;
          if (!sec.signal('SIGHUP')) throw new Error('backend-sec is not running');
          const match = await sec.waitForOutput(
            new RegExp(`[\\s\\S]{${before}}[\\s\\S]*?(tenants reloaded[^\\n]*(?:\\n {2}new agent[^\\n]*)*|tenants reload failed[^\\n]*)`),
          );
          if (/failed/.test(match[1])) throw new Error(match[1]);
          return { logins: printedLogins(match[1]) };
        }
        await sec.stop('SIGTERM');
        await sec.start();
        await sec.waitForOutput(/started in \d+ ms/);
        return { logins: printedLogins(sec.output()), output: sec.output() };
      }
      case 'backend-sec-inspect': {
        await sec.start();
        await sec.stop('SIGTERM');
        const dir = /** @type {string} */ (sec.dataDir());
        /** @type {string | null} */
        let hash = null;
        if (args?.email) {
          const { openStore } = await import('../../demo/server/store/index.js');
          const store = await openStore({ dataDir: dir });
          try {
            hash = (await store.agents.byEmail(args.email))?.passwordHash ?? null;
          } finally {
            await store.close();
          }
        }
        /** @type {Record<string, { tenantsFile: number, dataDir: number }>} files that hold each needle */
        const found = {};
        const dataFiles = readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => join(dir, f));
        const count = (/** @type {string[]} */ files, /** @type {string} */ needle) =>
          files.filter((file) => {
            try {
              return readFileSync(file).includes(Buffer.from(needle));
            } catch {
              return false; // a directory
            }
          }).length;
        for (const needle of args?.needles ?? [])
          found[needle] = { tenantsFile: count([secTenantsFile], needle), dataDir: count(dataFiles, needle) };
        await sec.start();
        return { hash, found };
      }
      case 'backend-hash-password':
        return { hash: args.legacy ? legacyHash(args.password) : await hashPassword(args.password) };
      case 'backend-check-tenants': {
        const dir = mkdtempSync(join(tmpdir(), 'amoiq-check-'));
        writeFileSync(join(dir, 'tenants.json'), JSON.stringify({ tenants: args.tenants }));
        return new Promise((resolveRun) => {
          const proc = spawn(process.execPath, [join(ROOT, 'demo/server/main.js')], {
            cwd: ROOT,
            env: { ...process.env, PORT: '0', DATA_DIR: join(dir, 'data'), TENANTS_FILE: join(dir, 'tenants.json') },
            stdio: ['ignore', 'pipe', 'pipe'],
          });
          let stderr = '';
          let stdout = '';
          proc.stdout?.on('data', (chunk) => {
            stdout += chunk;
            if (/ready on/.test(stdout)) proc.kill('SIGTERM');
          });
          proc.stderr?.on('data', (chunk) => (stderr += chunk));
          proc.on('exit', (code) => {
            rmSync(dir, { recursive: true, force: true });
            resolveRun({ code, stderr, started: /ready on/.test(stdout) });
          });
        });
      }
      case 'backend-proxy-start': {
        const binary = haproxyPath();
        if (!binary) return { skip: 'haproxy is not installed (apt-get install haproxy); the real-proxy test cannot run' };
        proxyStarting ??= (async () => {
          const started = await startHaproxy(
            binary,
            await sec.start(),
            createWriteStream(join(ROOT, 'test-results', `haproxy${suffix}.log`), { flags: 'w' }),
          );
          haproxy = started.proc;
          return { url: started.url };
        })();
        proxyStarting.catch(() => (proxyStarting = null));
        return proxyStarting;
      }
      case 'backend-login-flood':
        return loginFlood(await sec.start(), args?.count ?? 30, args?.staticPath ?? '/demo/host.js');
      case 'backend-build-console': {
        const outDir = mkdtempSync(join(tmpdir(), 'amoiq-console-'));
        try {
          return { js: await buildConsole(outDir, args?.mode ?? 'production') };
        } finally {
          rmSync(outDir, { recursive: true, force: true });
        }
      }
      default:
        return undefined;
    }
  }

  return {
    handle,
    main: mainPglite,
    async dispose() {
      haproxy?.kill('SIGTERM');
      await Promise.all([
        smtp?.close(),
        main.dispose(),
        mainPostgres.dispose(),
        short.dispose(),
        chaos.dispose(),
        assistant.dispose(),
        sec.dispose(),
      ]);
      rmSync(widgetDir, { recursive: true, force: true });
      rmSync(secDir, { recursive: true, force: true });
    },
  };
}

/**
 * @param {{ lanes?: Record<string, number> }} [options] `lanes`: the lane (browser) of each test
 *   group that runs in a browser of its own (web-test-runner.config.mjs); a group not listed is in
 *   lane 1. Each lane gets its own set of backends ({@link backendSet}).
 * @returns {import('@web/test-runner').TestRunnerPlugin}
 */
export function backendPlugin({ lanes = {} } = {}) {
  // Fixed per run (not per start) so tokens survive restarts, and known to the tests so they can
  // mint an expired token for the `token_expired` cases.
  const jwtSecret = `test-${randomBytes(16).toString('hex')}`;
  /** The test pages' origin (the dev server's), allowed to call the agent API (AGENT_CONSOLE_ORIGINS). */
  let pageOrigins = '';
  const builtDir = mkdtempSync(join(tmpdir(), 'amoiq-widget-build-'));
  /** @type {Promise<void> | null} */
  let building = null;
  const common = {
    jwtSecret,
    pageOrigins: () => pageOrigins,
    async widget() {
      building ??= buildWidget(builtDir);
      building.catch(() => (building = null));
      await building;
      return builtDir;
    },
  };
  /** @type {Map<number, ReturnType<typeof backendSet>>} */
  const sets = new Map();
  const setOf = (/** @type {number} */ lane) => {
    let set = sets.get(lane);
    if (!set) sets.set(lane, (set = backendSet(lane, common)));
    return set;
  };

  /** @type {Map<number, { done: boolean, result?: unknown, error?: string }>} */
  const jobs = new Map();
  let lastJob = 0;

  return {
    name: 'amoiq-backend',

    async executeCommand({ command, payload, session }) {
      if (!command.startsWith('backend-')) return undefined;
      const args = /** @type {any} */ (payload);
      const group = session?.group?.name;
      const { handle } = setOf(lanes[group ?? ''] ?? 1);
      // A command may take longer than the 20 s the page waits for an answer (a cold start, a
      // flood, a build): with `job: true` it answers `{ job }` at once and runs on; the page polls
      // `backend-job` `{ id }` → `{ done, result?, error? }` (test/server/helpers.ts, serverJob).
      if (command === 'backend-job') return jobs.get(args?.id) ?? { done: true, error: `unknown job ${args?.id}` };
      if (args?.job) {
        const id = ++lastJob;
        /** @type {{ done: boolean, result?: unknown, error?: string }} */
        const state = { done: false };
        jobs.set(id, state);
        handle(command, { ...args, job: false }, group).then(
          (result) => Object.assign(state, { done: true, result }),
          (error) => Object.assign(state, { done: true, error: String(error?.stack ?? error) }),
        );
        return { job: id };
      }
      return handle(command, args, group);
    },

    // Start each lane's main backend while the browsers launch and the first files compile: a cold
    // start (PGlite) can take longer than the 20 s a test command may wait on a loaded machine.
    serverStart({ config }) {
      const host = config.hostname ?? 'localhost';
      pageOrigins = [...new Set([host, 'localhost', '127.0.0.1'])].map((h) => `http://${h}:${config.port}`).join(',');
      const { groups: configured = [] } = /** @type {{ groups?: { name: string }[] }} */ (/** @type {unknown} */ (config));
      const groups = new Set(configured.map((g) => g.name));
      const used = new Set([1, ...Object.entries(lanes).flatMap(([name, lane]) => (groups.has(name) ? [lane] : []))]);
      for (const lane of used)
        setOf(lane)
          .main.start()
          .catch(() => undefined);
    },

    async serverStop() {
      await Promise.all([...sets.values()].map((set) => set.dispose()));
      rmSync(builtDir, { recursive: true, force: true });
    },
  };
}

/**
 * A hash in the format from before the cost was raised: `scrypt$salt$key`, Node's default N = 2^14.
 * @param {string} password
 */
function legacyHash(password) {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64')}$${scryptSync(password, salt, 32).toString('base64')}`;
}
