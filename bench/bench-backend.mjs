// The reference backend as the page benchmarks use it (load-history, first-load, start): started
// from a checkout on a free port with a widget build of its own, the demo agent logged in, and a
// conversation seeded through the agent API. Not a benchmark itself.
import { spawn } from 'node:child_process';

/** The demo tenant's public key, as the widget sends it. */
export const AUTH = { Authorization: 'Bearer pk_demo_amoiq_public_key', 'Content-Type': 'application/json' };

/** Send and session rate limits lifted, for seeding thousands of messages from one address. */
export const LIFTED_LIMITS = {
  RATE_SENDS_PER_IP: '10000000',
  RATE_SENDS_PER_SENDER: '10000000',
  RATE_SESSIONS_PER_IP: '100000',
  RATE_SESSIONS_PER_VISITOR: '100000',
};

/** The JSON answer of `res`, or an error with its status and body. */
export async function json(res) {
  if (!res.ok) throw new Error(`${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Starts `script` (the checkout's demo/server/main.js) on a free port, serving `widgetDir`, with
 * its data in `dataDir`; resolves once it is ready (and, with `password`, has printed the demo
 * agent's generated password, after the ready line on a first start) with the process, its URL and
 * that password. The process is killed when the benchmark exits.
 * @param {{ cwd?: string, script?: string, widgetDir: string, dataDir: string, env?: Record<string, string>, name?: string, password?: boolean }} o
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, url: string, password: string | undefined }>}
 */
export function startBackend({ cwd, script = 'demo/server/main.js', widgetDir, dataDir, env = {}, name = 'backend', password = false }) {
  const child = spawn(process.execPath, [script], {
    cwd,
    env: { ...process.env, WIDGET_DIR: widgetDir, PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  process.on('exit', () => child.kill('SIGTERM'));
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
      const ready = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      const generated = /demo agent +\S+ \/ (\S+)/.exec(out)?.[1];
      if (ready && (generated || !password)) resolve({ child, url: ready[1], password: generated });
    });
    child.on('exit', (code) => reject(new Error(`${name} exited ${code}`)));
  });
}

/** The demo agent's token. */
export async function agentLogin(url, password) {
  const { token } = await json(
    await fetch(`${url}/api/agent/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ email: 'agent@demo.test', password }),
    }),
  );
  return token;
}

/**
 * A visitor of the demo tenant whose conversation holds `count` agent messages, posted 8 at a
 * time; message n reads `text(n)` and has the clientId `${prefix}${n}` (zero-padded, so no two
 * collide). A reset keep-alive socket (a loaded machine) is retried: the clientId makes it idempotent.
 * @param {{ url: string, token: string, visitorId: string, count: number, text: (n: number) => string, prefix?: string }} o
 * @returns {Promise<{ visitorId: string, conversationId: string }>}
 */
export async function seedConversation({ url, token, visitorId, count, text, prefix = 'bench-' }) {
  const session = await json(
    await fetch(`${url}/api/chat/session`, { method: 'POST', headers: AUTH, body: JSON.stringify({ tenantId: 'demo', visitorId }) }),
  );
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  let next = 1;
  const worker = async () => {
    while (next <= count) {
      const n = next++;
      const post = () =>
        fetch(`${url}/api/agent/conversations/${session.conversationId}/messages`, {
          method: 'POST',
          headers,
          body: JSON.stringify({ clientId: `${prefix}${String(n).padStart(8, '0')}`, text: text(n) }),
        });
      await json(await post().catch(() => post()));
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return { visitorId: session.visitorId, conversationId: session.conversationId };
}

/**
 * Makes a fresh browser profile a returning visitor: writes `visitorId` where the demo widget keeps
 * it (IndexedDB `amoiq-chat`, store `state`, key `demo:visitor`), from a page of the same origin
 * without the widget (`/demo/host.css`). Leaves the page there.
 * @param {import('puppeteer-core').Page} page
 * @param {string} url the backend's origin
 * @param {string} visitorId
 */
export async function storeVisitorId(page, url, visitorId) {
  await page.goto(`${url}/demo/host.css`);
  await page.evaluate(
    (id) =>
      new Promise((resolve, reject) => {
        const open = indexedDB.open('amoiq-chat');
        open.onupgradeneeded = () => open.result.createObjectStore('state');
        open.onsuccess = () => {
          const tx = open.result.transaction('state', 'readwrite');
          tx.objectStore('state').put(id, 'demo:visitor');
          tx.oncomplete = () => {
            open.result.close();
            resolve(undefined);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
    visitorId,
  );
}
