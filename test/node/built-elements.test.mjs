// @ts-check
/* global document, customElements -- page.evaluate() functions run in the page */
// The production builds register every element they render. package.json marks only dist/ files
// as having side effects, so a bundler drops a module imported for its side effects alone; the
// tests that load the sources unbundled cannot see that. Both builds lost elements that way (the
// agent console its queue, handoff and settings panels; the drop-in the closed conversation's
// rating and transcript), found only by using `npm start`. eslint.config.js now forbids the
// pattern; these tests check the built files themselves, in real Chromium:
// - the agent console as `npm run build` makes it (production mode): every console tag its
//   templates use is defined once the page has loaded (it registers them all up front);
// - the drop-in as `npm run build:embed` makes it, on a site owner's page against the reference
//   backend with the knowledge-base assistant: a visitor asks, the assistant answers, the agent
//   closes the conversation, and no `amoiq-*` element anywhere in the widget is left undefined,
//   the rating and transcript forms among them.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { hashPassword } from '../../demo/server/auth.js';
import { launchChromium, serveSite } from './helpers/browser.mjs';
import { startWidgetSite } from './helpers/widget-site.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const API_KEY = 'pk_built_elements';
const AGENT = { email: 'ada@built.test', password: 'built-elements-password' };

/** @type {Array<() => unknown>} */
const cleanups = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/**
 * Every `<amoiq-…>` tag written in the templates of the `.ts` files under `dir`.
 * @param {string} dir
 */
function tagsUsedIn(dir) {
  const tags = new Set();
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.ts')) continue;
    for (const [, tag] of readFileSync(join(dir, file), 'utf8').matchAll(/<(amoiq-[a-z-]+)[\s>]/g)) tags.add(tag);
  }
  return [...tags].sort();
}

/**
 * The `amoiq-*` elements in the page that are not defined, through every open shadow root.
 * @param {import('puppeteer-core').Page} page
 */
const undefinedElements = (page) =>
  page.evaluate(() => {
    /** @type {Set<string>} */
    const missing = new Set();
    /** @param {Document | ShadowRoot} root */
    const walk = (root) => {
      for (const el of root.querySelectorAll('*')) {
        if (el.localName.startsWith('amoiq-') && !el.matches(':defined')) missing.add(el.localName);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document);
    return [...missing].sort();
  });

/**
 * Waits for `fn` in the page; a timeout says what was awaited and where the widget stood.
 * @param {import('puppeteer-core').Page} page
 * @param {() => unknown} fn
 * @param {string} what
 */
async function waitFor(page, fn, what) {
  try {
    await page.waitForFunction(fn, { timeout: 60_000, polling: 100 });
  } catch (error) {
    const state = await page
      .evaluate(() => {
        const chat = /** @type {any} */ (globalThis).AmoiqChat?.element;
        return JSON.stringify({
          connection: chat?.connectionState,
          messages: chat?.messages?.map((/** @type {any} */ m) => `${m.sender.type}:${m.status ?? ''}:${String(m.text).slice(0, 20)}`),
        });
      })
      .catch(() => 'unknown');
    throw new Error(`waiting for ${what}: ${/** @type {Error} */ (error).message}; widget: ${state}`);
  }
}

test('the production agent console defines every console element its templates use', async () => {
  const out = mkdtempSync(join(tmpdir(), 'amoiq-console-build-'));
  cleanups.push(() => rmSync(out, { recursive: true, force: true }));
  // Into <out>/agent/: the console's base path is /agent/ (the backend serves it there).
  execFileSync(
    process.execPath,
    [
      join(ROOT, 'node_modules/vite/bin/vite.js'),
      'build',
      '--logLevel',
      'error',
      '--config',
      'demo/agent/vite.config.ts',
      '--mode',
      'production',
      '--outDir',
      join(out, 'agent'),
      '--emptyOutDir',
    ],
    { cwd: ROOT, stdio: 'inherit' },
  );
  // The widget's own tags (the settings preview's <amoiq-chat>) are registered when a preview is
  // shown; the drop-in test below covers those.
  const tags = tagsUsedIn(join(ROOT, 'demo/agent/src')).filter((t) => t.startsWith('amoiq-agent-') || t === 'amoiq-audio-player');
  assert.ok(
    tags.includes('amoiq-agent-queue') && tags.includes('amoiq-agent-handoff') && tags.includes('amoiq-agent-settings'),
    tags.join(),
  );

  const site = await serveSite({ dir: out });
  cleanups.push(() => site.close());
  const browser = await launchChromium();
  cleanups.push(() => browser.close());
  const page = await browser.newPage();
  await page.goto(`${site.url}/agent/index.html`, { waitUntil: 'load' });
  await page.waitForFunction(() => !!customElements.get('amoiq-agent-app'), { timeout: 30_000 });
  const missing = await page.evaluate((list) => list.filter((t) => !customElements.get(t)), tags);
  assert.deepEqual(missing, [], `console elements not defined in the production build: ${missing.join(', ')}`);
});

test('the drop-in defines every element it shows: an assistant answer, then a closed conversation with its rating and transcript', async () => {
  const cost = { ln: 10, r: 8, p: 1 };
  /** @type {Record<string, string>} */
  const pages = {};
  const site = await startWidgetSite({
    name: 'built-elements',
    jwtSecret: 'built-elements-test',
    tenants: [
      {
        id: 'demo',
        name: 'Demo Store',
        apiKey: API_KEY,
        allowedOrigins: ['*'],
        assistant: { enabled: true, name: 'Robin', provider: 'knowledge-base' },
        agents: [{ id: 'agent_ada', email: AGENT.email, name: 'Ada', passwordHash: await hashPassword(AGENT.password, cost) }],
      },
    ],
    pages,
    // The assistant on whatever the environment says (scripts/test.mjs sets ASSISTANT=off for the
    // servers of the other tests); no SMTP.
    server: { assistantEnv: { ASSISTANT: 'on' }, mailEnv: {} },
  });
  cleanups.push(() => site.close());
  const gateway = site.backend.url;
  pages['/'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<h1>A shop</h1>
<script>window.ChatWidgetConfig = { tenantId: 'demo', apiKey: '${API_KEY}' };</script>
<script src="${gateway}/amoiq-chat.js" async></script>
</body></html>`;

  const page = await site.browser.newPage();
  await page.goto(`${site.host.url}/`, { waitUntil: 'load' });
  await waitFor(page, () => !!(/** @type {any} */ (globalThis).AmoiqChat?.element?.shadowRoot?.querySelector('.launcher')), 'the launcher');
  await page.evaluate(() => /** @type {any} */ (globalThis).AmoiqChat.open());
  await page.evaluate(() => /** @type {any} */ (globalThis).AmoiqChat.send('How long does shipping take?'));
  // The assistant's answer is stored (the stream ended): an `ai` message in the widget.
  await waitFor(
    page,
    () => /** @type {any} */ (globalThis).AmoiqChat.element.messages.some((/** @type {any} */ m) => m.sender.type === 'ai' && m.text),
    "the assistant's stored answer",
  );

  const login = await fetch(`${gateway}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(AGENT),
  });
  assert.equal(login.status, 200);
  const { token } = /** @type {{ token: string }} */ (await login.json());
  const auth = { Authorization: `Bearer ${token}` };
  const list = /** @type {{ conversations: Array<{ id: string }> }} */ (
    await (await fetch(`${gateway}/api/agent/conversations`, { headers: auth })).json()
  );
  assert.equal(list.conversations.length, 1);
  const closed = await fetch(`${gateway}/api/agent/conversations/${list.conversations[0].id}/close`, { method: 'POST', headers: auth });
  assert.ok(closed.ok, `close: ${closed.status}`);

  // The closed bar with its rating and transcript, rendered (defined elements have their shadow roots).
  await waitFor(
    page,
    () => {
      const chat = /** @type {any} */ (globalThis).AmoiqChat.element.shadowRoot;
      /** @param {ParentNode | null | undefined} root @param {string} selector @returns {Element | null} */
      const deep = (root, selector) => {
        if (!root) return null;
        const found = root.querySelector(selector);
        if (found) return found;
        for (const el of root.querySelectorAll('*')) {
          const inner = el.shadowRoot && deep(el.shadowRoot, selector);
          if (inner) return inner;
        }
        return null;
      };
      const rating = deep(chat, 'amoiq-assistant-rating');
      const transcript = deep(chat, 'amoiq-assistant-transcript');
      return !!rating?.shadowRoot?.querySelector('form, fieldset, button') && !!transcript?.shadowRoot?.querySelector('button, a');
    },
    'the closed bar with its rating and transcript',
  );
  assert.deepEqual(await undefinedElements(page), [], 'amoiq-* elements left undefined in the built drop-in');
});
