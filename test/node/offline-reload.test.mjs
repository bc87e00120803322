// @ts-check
// Issue 15, bug 4: a visitor who has chatted before reloads the page while the backend is down.
// The widget must still appear, with the history from IndexedDB, and queue what is written: the
// loader and the hashed chunks come from the browser's HTTP cache (the loader is cacheable for a
// short time and usable stale while revalidated, the chunks immutable). Real Chromium
// (puppeteer-core), the drop-in built from the sources, a host page on an origin of its own (as a
// site owner's page is), and the reference backend stopped between the two loads.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { startWidgetSite } from './helpers/widget-site.mjs';

const API_KEY = 'pk_offline_reload';
/** @type {Awaited<ReturnType<typeof startWidgetSite>> | undefined} */
let site;
/** @type {Record<string, string>} */
const pages = {};

before(async () => {
  // The drop-in as `npm run build:embed` makes it, into a folder of this test's own.
  site = await startWidgetSite({
    name: 'offline',
    jwtSecret: 'offline-reload-test',
    tenants: [{ id: 'demo', name: 'Demo', apiKey: API_KEY, allowedOrigins: ['*'], agents: [] }],
    pages,
    cacheControl: 'no-cache',
  });
  const gateway = site.backend.url;
  // A site owner's page, on another origin, with the documented snippet.
  pages['/'] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body>
<h1>A shop</h1>
<script>window.ChatWidgetConfig = { tenantId: 'demo', apiKey: '${API_KEY}' };</script>
<script src="${gateway}/amoiq-chat.js" async></script>
</body></html>`;
});

after(() => site?.close());

/**
 * Waits until the page's widget has its launcher, then opens the panel.
 * @param {import('puppeteer-core').Page} page
 */
async function openWidget(page) {
  await page.waitForFunction(() => !!(/** @type {any} */ (globalThis).AmoiqChat?.element?.shadowRoot?.querySelector('.launcher')), {
    timeout: 30_000,
  });
  await page.evaluate(() => /** @type {any} */ (globalThis).AmoiqChat.open());
  await page.waitForFunction(() => !!(/** @type {any} */ (globalThis).AmoiqChat.element.shadowRoot?.querySelector('amoiq-message-list')), {
    timeout: 30_000,
  });
}

/**
 * The visitor's own messages as the widget holds them: text and delivery status.
 * @param {import('puppeteer-core').Page} page
 */
const own = (page) =>
  page.evaluate(() =>
    /** @type {Array<{ text: string, status?: string, sender: { type: string } }>} */ (
      /** @type {any} */ (globalThis).AmoiqChat.element.messages
    )
      .filter((m) => m.sender.type === 'visitor')
      .map((m) => ({ text: m.text, status: m.status })),
  );

/**
 * The text the message list shows.
 * @param {import('puppeteer-core').Page} page
 */
const listText = (page) =>
  page.evaluate(
    () => /** @type {any} */ (globalThis).AmoiqChat.element.shadowRoot?.querySelector('amoiq-message-list')?.shadowRoot?.textContent ?? '',
  );

test('a return visit while the backend is down: the widget, its history and a queued message (issue 15, bug 4)', async () => {
  assert.ok(site);
  const { backend, host, browser } = site;
  const page = await browser.newPage();
  await page.goto(`${host.url}/`, { waitUntil: 'load' });
  await openWidget(page);
  await page.evaluate(() => /** @type {any} */ (globalThis).AmoiqChat.send('Written before the outage'));
  await page.waitForFunction(
    () =>
      /** @type {Array<{ text: string, status?: string }>} */ (/** @type {any} */ (globalThis).AmoiqChat.element.messages).some(
        (m) => m.text === 'Written before the outage' && m.status === 'delivered',
      ),
    { timeout: 30_000 },
  );

  // The backend goes away; the visitor reloads the page.
  await backend.close();
  const refused = await fetch(`${backend.url}/amoiq-chat.js`).then(
    () => false,
    () => true,
  );
  assert.equal(refused, true, 'the backend is down');
  /** @type {string[]} */
  const failed = [];
  page.on('requestfailed', (req) => failed.push(req.url()));
  await page.reload({ waitUntil: 'load' });
  await openWidget(page);
  await page.waitForFunction(
    () => {
      const chat = /** @type {any} */ (globalThis).AmoiqChat;
      return (chat.element.shadowRoot?.querySelector('amoiq-message-list')?.shadowRoot?.textContent ?? '').includes(
        'Written before the outage',
      );
    },
    { timeout: 30_000 },
  );
  // The loader and the start-up chunk came from the cache (parts first used now cannot load).
  assert.deepEqual(
    failed.filter((url) => /\/amoiq-chat\.js$|\/chunks\/amoiq-chat\.main-/.test(url)),
    [],
  );

  // What the visitor writes now is queued in IndexedDB and shown as sending.
  await page.evaluate(() => /** @type {any} */ (globalThis).AmoiqChat.send('Written during the outage'));
  await page.waitForFunction(
    () => {
      const chat = /** @type {any} */ (globalThis).AmoiqChat;
      return (chat.element.shadowRoot?.querySelector('amoiq-message-list')?.shadowRoot?.textContent ?? '').includes(
        'Written during the outage',
      );
    },
    { timeout: 30_000 },
  );
  const messages = await own(page);
  assert.deepEqual(
    messages.map((m) => m.text),
    ['Written before the outage', 'Written during the outage'],
  );
  assert.equal(messages[0].status, 'delivered');
  assert.equal(messages[1].status, 'pending');
  assert.match(await listText(page), /Written during the outage/);
  await page.close();
});
