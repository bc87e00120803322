// @ts-check
// Issue 15, bug 5: a second server started on a busy port must fail on EADDRINUSE before it opens
// or writes the data directory (PGlite must never be opened by two processes): it exits non-zero,
// no file of the data directory changes, and the first server keeps serving the same data (and
// finds it again after a restart).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { seedDataDir } from '../plugins/pglite-template.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const API_KEY = 'pk_demo_amoiq_public_key';
const dataDir = mkdtempSync(join(tmpdir(), 'amoiq-bind-'));
/** @type {Set<import('node:child_process').ChildProcess>} */
const children = new Set();

/**
 * Starts `node demo/server/main.js` on `port` with the shared data directory.
 * @param {number} port 0: any free port
 * @returns {{ proc: import('node:child_process').ChildProcess, url: Promise<string>, exit: Promise<{ code: number | null, stderr: string }> }}
 */
function startMain(port) {
  const proc = spawn(process.execPath, [join(ROOT, 'demo/server/main.js')], {
    cwd: ROOT,
    env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, JWT_SECRET: 'bind-test', DATABASE_URL: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  let stdout = '';
  let stderr = '';
  proc.stderr?.on('data', (chunk) => (stderr += chunk));
  const url = new Promise((resolveUrl, rejectUrl) => {
    proc.stdout?.on('data', (chunk) => {
      stdout += chunk;
      const match = /ready on (http:\/\/\S+)/.exec(stdout);
      if (match) resolveUrl(match[1]);
    });
    proc.on('exit', (code) => rejectUrl(new Error(`exited with ${code} before it was ready: ${stderr}`)));
  });
  url.catch(() => undefined);
  const exit = new Promise((resolveExit) =>
    proc.on('exit', (code) => {
      children.delete(proc);
      resolveExit({ code, stderr });
    }),
  );
  return { proc, url, exit };
}

/** Every file of the data directory with its size and modification time. */
function snapshot() {
  return Object.fromEntries(
    readdirSync(dataDir, { recursive: true, encoding: 'utf8' })
      .map((file) => [file, statSync(join(dataDir, file))])
      .filter(([, stat]) => typeof stat !== 'string' && stat.isFile())
      .map(([file, stat]) => [file, typeof stat === 'string' ? '' : `${stat.size}:${stat.mtimeMs}`]),
  );
}

/**
 * @param {string} url
 * @param {string} path
 * @param {{ body?: unknown, session?: string }} [o]
 */
async function call(url, path, o = {}) {
  const res = await fetch(url + path, {
    method: o.body === undefined ? 'GET' : 'POST',
    headers: {
      Authorization: `Bearer ${API_KEY}`,
      'Content-Type': 'application/json',
      ...(o.session ? { 'X-Amoiq-Session': o.session } : {}),
    },
    body: o.body === undefined ? undefined : JSON.stringify(o.body),
  });
  return { status: res.status, body: await res.json() };
}

before(() => seedDataDir(dataDir));
after(async () => {
  for (const proc of children) proc.kill('SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
});

test('a second server on a busy port exits on EADDRINUSE without touching the data directory; the first serves on', async () => {
  const first = startMain(0);
  const url = await first.url;
  const port = Number(new URL(url).port);
  const session = (await call(url, '/api/chat/session', { body: { visitorId: 'visitor_bind_test_1' } })).body;
  for (const text of ['one', 'two']) {
    const sent = await call(url, '/api/chat/messages', {
      session: session.token,
      body: { conversationId: session.conversationId, clientId: `client_bind_${text}`, text },
    });
    assert.equal(sent.status, 201);
  }

  const files = snapshot();
  const second = startMain(port);
  const { code, stderr } = await second.exit;
  assert.notEqual(code, 0);
  assert.match(stderr, /EADDRINUSE/);
  assert.deepEqual(snapshot(), files, 'the second server changed the data directory');

  // The first one still serves, with its data.
  const page = await call(url, `/api/chat/messages?conversationId=${session.conversationId}`, { session: session.token });
  assert.equal(page.status, 200);
  assert.deepEqual(
    page.body.messages.map((/** @type {any} */ m) => m.text),
    ['one', 'two'],
  );
  const third = await call(url, '/api/chat/messages', {
    session: session.token,
    body: { conversationId: session.conversationId, clientId: 'client_bind_three', text: 'three' },
  });
  assert.equal(third.body.message.seq, 3);

  // And the database is intact: a restart on the same directory finds all three.
  first.proc.kill('SIGTERM');
  assert.equal((await first.exit).code, 0);
  const again = startMain(port);
  const againUrl = await again.url;
  const reread = await call(againUrl, `/api/chat/messages?conversationId=${session.conversationId}`, { session: session.token });
  assert.deepEqual(
    reread.body.messages.map((/** @type {any} */ m) => m.text),
    ['one', 'two', 'three'],
  );
  again.proc.kill('SIGTERM');
  await again.exit;
});
