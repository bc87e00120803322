// @ts-check
/**
 * Shared by the two-page voice tests (voice-two-pages.test.mjs, voice-mic-problems.test.mjs): the
 * reference backend with in-browser calls on, a TCP proxy in front of it for the visitor's widget
 * (`proxy.drop()` cuts every connection: a WebSocket drop), and a Vite dev server that serves the
 * visitor's page (<amoiq-chat> from the sources) and the agent console from the sources, proxying
 * the console's /api and /ws to the backend as `npx vite --config demo/agent/vite.config.ts` does.
 * Pages are instrumented before any script runs: every RTCPeerConnection and WebSocket the page
 * makes is remembered (the browser's own objects), so a test reads a call's getStats() as
 * chrome://webrtc-internals does.
 */
import { createServer as createTcpServer, connect } from 'node:net';
import { createServer as createVite } from 'vite';
import { launchChromium } from './helpers/browser.mjs';
import { freePort } from './helpers/processes.mjs';
import { AGENT, API_KEY, startServer } from './chat-server.mjs';

export { AGENT };

const ROOT = new URL('../..', import.meta.url).pathname;
const WAIT = { timeout: 90_000, polling: 100 };

/** @type {Awaited<ReturnType<typeof startServer>>} */
export let backend;
/** @type {import('vite').ViteDevServer} */
let vite;
/** @type {string} */
export let origin;
/** A TCP proxy in front of the backend for the visitor's widget; `drop()` cuts every connection through it. */
export let proxy = /** @type {{ url: string, drop(): number, accepted: number, close(): Promise<void> }} */ (/** @type {unknown} */ (null));
/** @type {import('puppeteer-core').Browser[]} */
const browsers = [];
/** The widget's English voice texts (src/i18n/en-voice.ts, loaded through Vite): the documented messages. */
export let en = /** @type {import('../../src/i18n/en-voice.js').VoiceStrings} */ (/** @type {unknown} */ (null));

/**
 * A TCP proxy to `target`, listening at once: connections made before the target is known (the
 * backend still starting) wait, paused, and go through once it is.
 * @param {Promise<string>} target the backend's URL
 * @returns {Promise<typeof proxy>}
 */
async function startProxy(target) {
  /** @type {Set<import('node:net').Socket>} */
  const open = new Set();
  const state = { accepted: 0 };
  const server = createTcpServer((client) => {
    state.accepted++;
    open.add(client);
    client.on('close', () => open.delete(client));
    client.on('error', () => undefined);
    client.pause();
    void target.then((url) => {
      if (client.destroyed) return;
      const { hostname, port } = new URL(url);
      const upstream = connect(Number(port), hostname);
      open.add(upstream);
      upstream.on('close', () => open.delete(upstream));
      upstream.on('error', () => undefined);
      client.pipe(upstream).pipe(client);
      client.resume();
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
  const address = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${address.port}`,
    get accepted() {
      return state.accepted;
    },
    drop() {
      const n = open.size;
      for (const s of open) s.destroy();
      return n;
    },
    close: () =>
      new Promise((r) => {
        for (const s of open) s.destroy();
        server.close(() => r(undefined));
      }),
  };
}

/** The visitor's page: the widget from the sources, talking to the backend through the proxy. */
const visitorPage = (
  /** @type {string} */ gateway,
  /** @type {string} */ db,
) => `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Visitor</title></head>
<body><amoiq-chat gateway-url="${gateway}" api-key="${API_KEY}" tenant-id="demo" db-name="${db}" open></amoiq-chat>
<script type="module" src="/src/define.ts"></script></body></html>`;

/** The agent console from the sources; its API and WebSocket go through the dev server's proxy. */
const agentPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Console</title></head>
<body><amoiq-agent-app></amoiq-agent-app><script type="module" src="/demo/agent/src/main.ts"></script></body></html>`;

/**
 * Installed before any page script: remembers every RTCPeerConnection and WebSocket the page
 * makes (the browser's own objects), and a helper that reads a call's audio from getStats().
 */
function instrument() {
  const w = /** @type {any} */ (globalThis);
  w.__pcs = [];
  w.__sockets = [];
  const NativePc = w.RTCPeerConnection;
  w.RTCPeerConnection = class extends NativePc {
    constructor(/** @type {any[]} */ ...args) {
      super(...args);
      w.__pcs.push(this);
    }
  };
  const NativeWs = w.WebSocket;
  w.WebSocket = class extends NativeWs {
    constructor(/** @type {any[]} */ ...args) {
      super(.../** @type {[string]} */ (args));
      w.__sockets.push(this);
    }
  };
  /** Audio of the newest peer connection: bytes sent and received, received energy, the time of the reading. */
  w.__audio = async () => {
    const pc = w.__pcs[w.__pcs.length - 1];
    if (!pc) return null;
    const out = { sent: 0, received: 0, energy: 0, level: 0, at: 0, state: pc.connectionState, pcs: w.__pcs.length };
    (await pc.getStats()).forEach((/** @type {any} */ s) => {
      if (s.kind !== 'audio') return;
      if (s.type === 'outbound-rtp') out.sent += s.bytesSent ?? 0;
      if (s.type === 'inbound-rtp') {
        out.received += s.bytesReceived ?? 0;
        out.energy += s.totalAudioEnergy ?? 0;
        out.level = Math.max(out.level, s.audioLevel ?? 0);
        out.at = Math.max(out.at, s.timestamp);
      }
    });
    return out;
  };
  /** A node through shadow roots: each selector is looked up in the previous match's shadow root. */
  w.__q = (/** @type {string[]} */ ...selectors) => {
    /** @type {any} */
    let node = w.document;
    for (const s of selectors) {
      node = (node.shadowRoot ?? node).querySelector(s);
      if (!node) return null;
    }
    return node;
  };
}

/** @param {string[]} args */
export async function launch(args) {
  const browser = await launchChromium({
    args: [
      // Both pages run at full speed although only one is in front.
      '--disable-background-timer-throttling',
      '--disable-renderer-backgrounding',
      '--disable-backgrounding-occluded-windows',
      '--autoplay-policy=no-user-gesture-required',
      ...args,
    ],
  });
  browsers.push(browser);
  return browser;
}

/** @param {import('puppeteer-core').Browser} browser @param {string} path */
export async function open(browser, path) {
  const page = await browser.newPage();
  page.on('pageerror', (err) => console.error(`[${path}] page error:`, /** @type {Error} */ (err).message));
  await page.evaluateOnNewDocument(instrument);
  await page.goto(`${origin}${path}`, { waitUntil: 'domcontentloaded', timeout: 90_000 });
  return page;
}

/**
 * Waits for an in-page condition (a function of `__q` and `args`).
 * @param {import('puppeteer-core').Page} page @param {string} what @param {Function} fn @param {...unknown} args
 */
export async function until(page, what, fn, ...args) {
  try {
    await page.waitForFunction(/** @type {any} */ (fn), WAIT, ...args);
  } catch (err) {
    throw new Error(`timed out waiting for ${what}: ${/** @type {Error} */ (err).message}`);
  }
}

/** @param {import('puppeteer-core').Page} page @param {string[]} path */
export const click = (page, ...path) =>
  page.evaluate((p) => {
    const node = /** @type {any} */ (globalThis).__q(...p);
    if (!node) throw new Error(`nothing at ${p.join(' » ')}`);
    node.click();
  }, path);

/** @param {import('puppeteer-core').Page} page @param {string[]} path */
export const text = (page, ...path) => page.evaluate((p) => /** @type {any} */ (globalThis).__q(...p)?.textContent?.trim() ?? null, path);

/** @param {import('puppeteer-core').Page} page */
export const audio = (page) =>
  /** @type {Promise<{ sent: number, received: number, energy: number, level: number, at: number, state: string, pcs: number }>} */ (
    page.evaluate(() => /** @type {any} */ (globalThis).__audio())
  );

export const PANEL = ['amoiq-chat', 'amoiq-voice-panel'];
export const CALL = ['amoiq-agent-app', 'amoiq-agent-conversation', 'amoiq-agent-call'];

/** Audio leaves and arrives (with energy: the other side's beep) on both pages, past the readings given. */
export async function audioFlowsBothWays(/** @type {import('puppeteer-core').Page[]} */ pages) {
  const start = await Promise.all(pages.map(audio));
  for (const [i, page] of pages.entries()) {
    const s = start[i];
    await until(
      page,
      `audio both ways on ${i ? 'the agent' : 'the visitor'} page`,
      async (/** @type {typeof s} */ s0) => {
        const now = await /** @type {any} */ (globalThis).__audio();
        return now && now.sent > s0.sent + 4000 && now.received > s0.received + 4000 && now.energy > s0.energy;
      },
      s,
    );
  }
}

/** A visitor page that has written a first message (so the conversation exists), and its text. */
export async function visitorWithConversation(/** @type {import('puppeteer-core').Browser} */ browser, /** @type {string} */ gateway) {
  const db = `amoiq-two-pages-${Math.random().toString(36).slice(2, 10)}`;
  const page = await open(browser, `/visitor.html?gateway=${encodeURIComponent(gateway)}&db=${db}`);
  await until(
    page,
    'the widget online',
    () => /** @type {any} */ (globalThis.document.querySelector('amoiq-chat'))?.connectionState === 'online',
  );
  const hello = `Two-page call ${db}`;
  await page.evaluate((t) => /** @type {any} */ (globalThis.document.querySelector('amoiq-chat')).send(t), hello);
  await until(
    page,
    'the first message delivered',
    (/** @type {string} */ t) =>
      /** @type {any} */ (globalThis.document.querySelector('amoiq-chat')).messages.some(
        (/** @type {any} */ m) => m.text === t && m.status === 'delivered',
      ),
    hello,
  );
  return { page, hello };
}

/** Opens the voice panel from the header's voice button. @param {import('puppeteer-core').Page} page */
export async function openVoicePanel(page) {
  await until(page, 'the voice button', () => !!(/** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-chat-header', '.voice')));
  await click(page, 'amoiq-chat', 'amoiq-chat-header', '.voice');
  await until(page, 'the voice panel menu', () => !!(/** @type {any} */ (globalThis).__q('amoiq-chat', 'amoiq-voice-panel', '.call-team')));
}

/** While the backend starts (tens of seconds on a loaded machine), the rest goes on: the proxies hold requests. */
let backendReady = /** @type {Promise<unknown>} */ (Promise.resolve());
/** The console's way to the backend (through the dev server's proxy); never dropped. */
let consoleProxy = /** @type {typeof proxy | null} */ (null);

/**
 * Starts the backend (in-browser calls on), the proxies and the dev server; call in `before`. It
 * returns before the backend is up: pages load meanwhile, and their requests wait in the proxies.
 */
export async function setup() {
  const started = startServer({ voice: { webrtc: { enabled: true, iceServers: [] } } }).then((b) => (backend = b));
  backendReady = started;
  const url = started.then((b) => b.url);
  proxy = await startProxy(url);
  consoleProxy = await startProxy(url);
  const port = await freePort();
  vite = await createVite({
    configFile: false,
    root: ROOT,
    logLevel: 'error',
    clearScreen: false,
    define: { __AMOIQ_DEMO_LOGIN__: 'null' },
    // Every module is served as written (ESM): no dependency pre-bundling, so no reload mid-test.
    optimizeDeps: { noDiscovery: true, include: [] },
    server: {
      host: '127.0.0.1',
      port,
      strictPort: true,
      hmr: false,
      watch: null,
      // Transformed while the browser starts: the pages' first load is the slow part.
      warmup: { clientFiles: ['./src/define.ts', './demo/agent/src/main.ts'] },
      proxy: { '/api': consoleProxy.url, '/ws': { target: consoleProxy.url.replace(/^http/, 'ws'), ws: true } },
    },
    plugins: [
      {
        name: 'two-pages',
        configureServer(server) {
          server.middlewares.use((req, res, next) => {
            const url = new URL(req.url ?? '/', 'http://x');
            const html =
              url.pathname === '/visitor.html'
                ? visitorPage(url.searchParams.get('gateway') ?? '', url.searchParams.get('db') ?? 'amoiq')
                : url.pathname === '/agent.html'
                  ? agentPage
                  : null;
            if (html === null) return next();
            res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }).end(html);
          });
        },
      },
    ],
  });
  await vite.listen();
  origin = `http://127.0.0.1:${port}`;
  en = (await vite.ssrLoadModule('/src/i18n/en-voice.ts')).enVoice;
}

/** Stops what {@link setup} started and every browser; call in `after`. */
export async function teardown() {
  for (const b of browsers) await b.close().catch(() => undefined);
  await vite?.close();
  await proxy?.close();
  await consoleProxy?.close();
  await backendReady.catch(() => undefined);
  await backend?.close();
}
