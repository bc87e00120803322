// Recovery benchmark (issue 3): how long after the backend is back up until the visitor's outbox
// is flushed and the messages missed meanwhile are replayed. Real backend process (SIGKILLed and
// restarted on the same port and data directory), real widget (the drop-in script on the demo
// page) in Debian's Chromium. Prints a table; it is a benchmark, not a test.
//
//   npm run bench:recovery            (20 restarts; RESTARTS=5 for a quick look)
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { launchChromium } from './chromium.mjs';

const RESTARTS = Number(process.env.RESTARTS ?? 20);
const dataDir = mkdtempSync(join(tmpdir(), 'amoiq-bench-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

execFileSync('npx', ['vite', 'build', '--logLevel', 'warn'], { stdio: 'inherit' });

let port = 0;
/** The demo agent's password: generated on the first start of the fresh data directory and printed once. */
let demoPassword = '';
/** Starts the backend; resolves with the time (performance.now) its ready line was read. */
function startBackend() {
  const child = spawn(process.execPath, ['demo/server/main.js'], {
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const m = /ready on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
      demoPassword ||= /demo agent +\S+ \/ (\S+)/.exec(out)?.[1] ?? '';
      // The human lines (with the password) follow the ready line at once.
      if (m && /started in \d+ ms/.test(out) && !child.readyAt) {
        child.readyAt = performance.now();
        port = Number(m[1]);
        resolve(child);
      }
    });
    child.on('exit', (code) => child.readyAt || reject(new Error(`backend exited ${code}`)));
  });
}

async function agentLogin(url) {
  const res = await fetch(`${url}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: 'agent@demo.test', password: demoPassword }),
  });
  return (await res.json()).token;
}

let backend = await startBackend();
const url = `http://127.0.0.1:${port}`;
const browser = await launchChromium();
const page = await browser.newPage();
await page.goto(`${url}/`, { waitUntil: 'networkidle0' });
await page.waitForFunction(() => window.AmoiqChat?.element.connectionState === 'online', { timeout: 20_000 });
await page.evaluate(() => window.AmoiqChat.send('hello, benchmark'));
await page.waitForFunction(() => window.AmoiqChat.element.messages.some((m) => m.status === 'delivered'));

let token = await agentLogin(url);
const conversations = await (await fetch(`${url}/api/agent/conversations`, { headers: { Authorization: `Bearer ${token}` } })).json();
const conversationId = conversations.conversations[0].id;

const rows = [];
for (let i = 0; i < RESTARTS; i++) {
  backend.kill('SIGKILL');
  await new Promise((r) => backend.once('exit', r));
  // While the backend is down the visitor writes three messages.
  const texts = [1, 2, 3].map((n) => `restart ${i} message ${n}`);
  await page.evaluate((t) => t.forEach((x) => window.AmoiqChat.send(x)), texts);
  await sleep(300 + Math.random() * 700);
  backend = await startBackend();
  const up = backend.readyAt;
  // Right as it is back, the agent answers: the widget must replay that too.
  token = await agentLogin(url);
  const gapText = `agent reply ${i}`;
  await fetch(`${url}/api/agent/conversations/${conversationId}/messages`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ text: gapText, clientId: `bench${i}x${Date.now()}` }),
  });
  await page.waitForFunction(
    (t, g) => {
      const ms = window.AmoiqChat.element.messages;
      return t.every((x) => ms.some((m) => m.text === x && m.status === 'delivered')) && ms.some((m) => m.text === g);
    },
    { polling: 5, timeout: 30_000 },
    texts,
    gapText,
  );
  const transport = await page.evaluate(() =>
    window.AmoiqChat.element.shadowRoot.querySelector('amoiq-chat-header').shadowRoot.textContent.includes('WebSocket')
      ? 'websocket'
      : 'http',
  );
  rows.push({ restart: i + 1, ms: Math.round(performance.now() - up), transport });
}

const ms = rows.map((r) => r.ms).sort((a, b) => a - b);
const pct = (p) => ms[Math.min(ms.length - 1, Math.ceil((p / 100) * ms.length) - 1)];
console.log('\nRecovery after a backend restart (backend ready → outbox flushed and missed messages replayed)');
console.table(rows);
console.table([{ restarts: RESTARTS, 'p50 ms': pct(50), 'p95 ms': pct(95), 'max ms': ms.at(-1), 'target p95 ms': 1500 }]);

await browser.close();
backend.kill('SIGTERM');
rmSync(dataDir, { recursive: true, force: true });
