// @ts-check
// Issue 13: a snippet with only a widget id shows the configured look from the first painted
// frame of the launcher, never the default one first. Real Chromium (puppeteer-core), the drop-in
// built from the sources, the site on an origin of its own, the reference backend.
//
// What is compared: the screencast of the page (Chromium's own painted frames, every one from
// before the navigation until the widget settled) against a screenshot of the settled page. The
// configuration's answer is held back 1.5 s, so a default look shown while it is awaited would be
// on screen for 1.5 s and in the screencast; a control page that does exactly that (mounts the
// default look, then applies the fetched configuration) shows the detector finds it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import pixelmatch from 'pixelmatch';
import { PNG } from 'pngjs';
import { hashPassword } from '../../demo/server/auth.js';
import { startWidgetSite } from './helpers/widget-site.mjs';

const ADMIN = { email: 'admin@first-paint.test', password: 'first-paint-admin' };
const VIEWPORT = { width: 640, height: 480, deviceScaleFactor: 1 };
/** How long the configuration's answer is held back. */
const CONFIG_DELAY_MS = 1500;
/** @type {Awaited<ReturnType<typeof startWidgetSite>> | undefined} */
let site;
/** @type {Awaited<ReturnType<typeof startWidgetSite>>['backend']} */
let backend;
let hostOrigin = '';
/** @type {import('puppeteer-core').Browser} */
let browser;
let widgetId = '';
/** @type {Record<string, string>} the host's pages by path */
const pages = {};

before(async () => {
  site = await startWidgetSite({
    name: 'first-paint',
    jwtSecret: 'first-paint-test',
    pages,
    tenants: [
      {
        id: 'demo',
        name: 'Demo',
        apiKey: 'pk_first_paint',
        allowedOrigins: ['*'],
        agents: [
          {
            id: 'agent_admin',
            email: ADMIN.email,
            name: 'Ada',
            passwordHash: await hashPassword(ADMIN.password, { ln: 10, r: 8, p: 1 }),
            role: 'admin',
          },
        ],
      },
    ],
  });
  ({ backend, browser } = site);
  hostOrigin = site.host.url;

  const login = await fetch(`${backend.url}/api/agent/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(ADMIN),
  }).then((r) => r.json());
  const created = await fetch(`${backend.url}/api/agent/widgets`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${login.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Orange, top left', themeColor: '#D9480F', position: 'top-left', allowedDomains: [hostOrigin] }),
  });
  assert.equal(created.status, 201);
  widgetId = (await created.json()).id;

  const page = (/** @type {string} */ snippet) =>
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title>
<style>html, body { margin: 0; background: #fff; } h1 { margin: 200px 0 0 220px; font: 700 24px sans-serif; color: #000; }</style>
</head><body><h1>A shop</h1>
${snippet}
</body></html>`;
  // shared/seeds/003, "Basic Embedding", with this backend and the widget's id.
  pages['/'] = page(`<script src="${backend.url}/embed/widget.js?id=${widgetId}" async></script>`);
  // The flash the drop-in must not have: the default look mounted first, the configuration
  // fetched once the launcher is there and applied when it arrives.
  pages['/control'] = page(`<script>window.ChatWidgetConfig = { apiKey: 'widget:${widgetId}' };</script>
<script src="${backend.url}/amoiq-chat.js" async></script>
<script>
  const launcher = () => document.querySelector('amoiq-chat')?.shadowRoot?.querySelector('.launcher');
  const later = () => {
    if (!launcher()) return requestAnimationFrame(later);
    fetch('${backend.url}/embed/config/${widgetId}').then((r) => r.json()).then((c) => {
      const el = document.querySelector('amoiq-chat');
      el.setAttribute('theme-color', c.themeColor);
      el.setAttribute('position', c.position);
    });
  };
  later();
</script>`);
});

after(() => site?.close());

/**
 * Loads `path` of the host with the configuration's answer held back, recording every frame
 * Chromium paints, until the launcher has the configured colour; then a screenshot of that.
 * @param {string} path
 */
async function record(path) {
  const page = await browser.newPage();
  await page.setViewport(VIEWPORT);
  await page.setRequestInterception(true);
  let configSentAt = Infinity;
  page.on('request', (req) => {
    if (!req.url().includes('/embed/config/')) return void req.continue();
    setTimeout(() => {
      configSentAt = Date.now() / 1000;
      void req.continue();
    }, CONFIG_DELAY_MS);
  });
  const cdp = await page.createCDPSession();
  /** @type {Array<{ png: PNG, at: number }>} */
  const frames = [];
  cdp.on('Page.screencastFrame', (f) => {
    frames.push({ png: PNG.sync.read(Buffer.from(f.data, 'base64')), at: f.metadata.timestamp ?? Date.now() / 1000 });
    void cdp.send('Page.screencastFrameAck', { sessionId: f.sessionId }).catch(() => undefined);
  });
  await cdp.send('Page.startScreencast', { format: 'png', everyNthFrame: 1, maxWidth: VIEWPORT.width, maxHeight: VIEWPORT.height });
  await page.goto(`${hostOrigin}${path}`, { waitUntil: 'domcontentloaded' });
  // Settled: the launcher in the configured corner (the control page moves it there last). The
  // functions run in the page: `globalThis` is its window.
  await page.waitForFunction(
    () => {
      /** @type {any} */
      const w = globalThis;
      return (w.document.querySelector('amoiq-chat')?.shadowRoot?.querySelector('.launcher')?.getBoundingClientRect().top ?? 999) < 100;
    },
    { timeout: 30_000 },
  );
  // Two more animation frames: the settled look is painted and in the screencast.
  await page.evaluate(() => {
    /** @type {any} */
    const w = globalThis;
    return new Promise((r) => w.requestAnimationFrame(() => w.requestAnimationFrame(r)));
  });
  await cdp.send('Page.stopScreencast');
  const rect = await page.evaluate(() => {
    /** @type {any} */
    const w = globalThis;
    const r = w.document.querySelector('amoiq-chat').shadowRoot.querySelector('.launcher').getBoundingClientRect();
    return { x: Math.floor(r.x), y: Math.floor(r.y), width: Math.ceil(r.width), height: Math.ceil(r.height) };
  });
  const settled = PNG.sync.read(Buffer.from(await page.screenshot({ type: 'png' })));
  await page.close();
  return { frames, settled, rect, configSentAt };
}

/**
 * Pixels of the default look: the drop-in's default blue (#0088ff and its darker tone), far from
 * the configured orange and from the page's white and black.
 * @param {PNG} png
 */
function bluePixels(png) {
  let n = 0;
  for (let i = 0; i < png.data.length; i += 4) {
    const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
    if (b > 150 && b - r > 100 && b - g > 20) n++;
  }
  return n;
}

/**
 * A region of a PNG as RGBA bytes (the frame's own size may be a pixel off the viewport's).
 * @param {PNG} png
 * @param {{ x: number, y: number, width: number, height: number }} r
 */
function crop(png, r) {
  const out = Buffer.alloc(r.width * r.height * 4);
  for (let y = 0; y < r.height; y++) {
    for (let x = 0; x < r.width; x++) {
      const from = ((r.y + y) * png.width + (r.x + x)) * 4;
      png.data.copy(out, (y * r.width + x) * 4, from, from + 4);
    }
  }
  return out;
}

/** Whether a region is the page's white (the launcher not painted there yet). @param {Buffer} rgba */
const isBlank = (rgba) => rgba.every((v, i) => i % 4 === 3 || v > 245);

test('only a widget id: no frame shows the default look; the first frame with the launcher is the settled, configured one', async () => {
  const { frames, settled, rect, configSentAt } = await record('/');
  assert.ok(frames.length >= 2, `the screencast recorded the load (${frames.length} frames)`);
  // The configured corner and colour.
  assert.ok(rect.x < 100 && rect.y < 100, `top-left: ${JSON.stringify(rect)}`);
  // Beside the white icon, inside the circle.
  const spot = ((rect.y + (rect.height >> 1)) * settled.width + rect.x + Math.round(rect.width * 0.15)) * 4;
  const [r, g, b] = settled.data.subarray(spot, spot + 3);
  assert.ok(r > 150 && g < 110 && b < 60, `the settled launcher is orange, not rgb(${r}, ${g}, ${b})`);
  // The page was painted while the configuration was awaited: a default look then would be in these frames.
  const waiting = frames.filter((f) => f.at < configSentAt);
  assert.ok(
    waiting.some((f) => f.png.data.some((/** @type {number} */ v, /** @type {number} */ i) => i % 4 !== 3 && v < 100)),
    'frames of the painted page from before the configuration was answered',
  );
  for (const [i, f] of frames.entries()) assert.equal(bluePixels(f.png), 0, `frame ${i} shows the default blue`);
  // The first frame in which the launcher's box is painted is the settled launcher, pixel for pixel.
  const box = { ...rect, width: Math.min(rect.width, settled.width - rect.x), height: Math.min(rect.height, settled.height - rect.y) };
  const expected = crop(settled, box);
  const first = frames.find((f) => !isBlank(crop(f.png, box)));
  assert.ok(first, 'a frame with the launcher');
  const diff = pixelmatch(crop(first.png, box), expected, undefined, box.width, box.height, { threshold: 0.1 });
  assert.ok(diff <= box.width * box.height * 0.02, `the first launcher frame differs from the settled one in ${diff} pixels`);
});

test('control: a page that mounts the default look and applies the configuration later is caught by the same check', async () => {
  const { frames, configSentAt } = await record('/control');
  const counts = frames.map((f) => `${bluePixels(f.png)}${f.at < configSentAt ? '' : '*'}`);
  assert.ok(
    frames.some((f) => bluePixels(f.png) > 200),
    `a frame with the default blue launcher (the flash the drop-in avoids); blue pixels per frame (* after the configuration): ${counts.join(' ')}`,
  );
});
