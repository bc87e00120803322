// @ts-check
/* global window, document, customElements -- the functions given to page.evaluate run in the browser */
/**
 * `npm run test:frameworks`: the example apps of examples/ as an app team would use the package.
 *
 * 1. builds the package (embed script, dist/esm, dist/types) unless `--no-build`, and packs it
 *    (`npm pack`) into tmp/frameworks/;
 * 2. for each example: copies it to tmp/frameworks/<name>/ (its node_modules stay there, out of
 *    the repository, and are reused by the next run), installs its dependencies and the tarball,
 *    typechecks it strictly (`npm run typecheck`) and builds it (`npm run build`);
 * 3. unless `--no-browser`: starts the reference backend (fresh data directory, any free port),
 *    serves the example's build and drives it in Chromium (puppeteer-core, CHROME_PATH or
 *    /usr/bin/chromium): the properties arrived as properties (the array too), the `open`
 *    boolean opens the panel without replacing a method, `send()` through a ref stores a message
 *    and the app receives its `amoiq-message`, `show()` on the second widget where there is one, and `hide()`, `toggle()`, `show()` where the app has buttons for them (Angular).
 *
 * `--only react19,vue` picks examples; `--browser react19,vue` builds and drives only those in
 * Chromium and installs and typechecks the rest (CI, .ci/run); npm's cache (`--prefer-offline`)
 * is shared by every example; AMOIQ_BACKEND_ROOT runs the backend of another checkout. Ends with one line `N passed, N failed`.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { launchChromium, serveSite } from '../test/node/helpers/browser.mjs';
import { startNode } from '../test/node/helpers/processes.mjs';

const ROOT = resolve(import.meta.dirname, '..');
const WORK = join(ROOT, 'tmp', 'frameworks');
const { values } = parseArgs({
  options: { only: { type: 'string' }, browser: { type: 'string' }, 'no-build': { type: 'boolean' }, 'no-browser': { type: 'boolean' } },
});
/** `--browser react19,vue`: only these are built and driven in Chromium; the others are installed and typechecked. */
const inBrowser = (/** @type {string} */ name) => !values.browser || values.browser.split(',').includes(name);
const examples = readdirSync(join(ROOT, 'examples'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(join(ROOT, 'examples', d.name, 'package.json')))
  .map((d) => d.name)
  .filter((name) => !values.only || values.only.split(',').includes(name));

/** @type {Array<{ name: string, ok: boolean, seconds: number, error?: string }>} */
const results = [];
/** @param {string} cmd @param {string[]} args @param {string} cwd */
const sh = (cmd, args, cwd) => execFileSync(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', maxBuffer: 64 << 20 });
/** @param {string} name @param {() => Promise<void> | void} fn */
async function step(name, fn) {
  const start = Date.now();
  try {
    await fn();
    results.push({ name, ok: true, seconds: (Date.now() - start) / 1000 });
    console.log(`  ✓ ${name} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  } catch (err) {
    const e = /** @type {any} */ (err);
    const error = `${e.message}\n${e.stdout ?? ''}${e.stderr ?? ''}`.trim();
    results.push({ name, ok: false, seconds: (Date.now() - start) / 1000, error });
    console.log(`  ✗ ${name}\n${error.replace(/^/gm, '    ')}`);
  }
}

mkdirSync(WORK, { recursive: true });
if (!values['no-build']) {
  console.log('::: building the package');
  for (const script of ['build:embed', 'build:esm', 'build:types']) sh('npm', ['run', '--silent', script], ROOT);
}
for (const f of readdirSync(WORK)) if (f.endsWith('.tgz')) rmSync(join(WORK, f));
const tarball = join(WORK, sh('npm', ['pack', '--silent', '--pack-destination', WORK], ROOT).trim().split('\n').pop() ?? '');
console.log(`::: packed ${tarball} (${(statSync(tarball).size / 1024).toFixed(0)} KB)`);

/**
 * What every example app does (ids `#native`, optionally `#wrapped`, buttons `#open-native`,
 * `#send-native`, `#show-wrapped`, events logged in `window.amoiqLog`).
 * @param {import('puppeteer-core').Page} page
 */
async function drive(page) {
  const until = (/** @type {string} */ entry) => page.waitForFunction((e) => window.amoiqLog?.includes(e), { timeout: 15_000 }, entry);
  await page.waitForFunction(() => customElements.get('amoiq-chat') && document.querySelector('#native'), { timeout: 15_000 });
  // A server-rendered element (Next.js) is in the page before hydration; its properties come
  // after. Wait for them (if they never come, the check below says what arrived instead).
  await page
    .waitForFunction(
      () => {
        const chat = /** @type {any} */ (document.querySelector('#native'));
        return Array.isArray(chat.preChatFields) && chat.gatewayUrl;
      },
      { timeout: 15_000 },
    )
    .catch(() => undefined);
  const initial = await page.$eval('#native', (el) => {
    const chat = /** @type {any} */ (el);
    return {
      fields: Array.isArray(chat.preChatFields) ? chat.preChatFields.length : String(chat.preChatFields),
      attribute: el.getAttribute('prechatfields') ?? el.getAttribute('prechat-fields'),
      theme: chat.theme,
      tenantId: chat.tenantId,
      open: chat.open,
      methods: typeof chat.show === 'function' && typeof chat.send === 'function',
    };
  });
  const expected = { fields: 1, attribute: null, theme: 'dark', tenantId: 'demo', open: false, methods: true };
  if (JSON.stringify(initial) !== JSON.stringify(expected))
    throw new Error(`#native: ${JSON.stringify(initial)}, expected ${JSON.stringify(expected)}`);
  await page.click('#open-native');
  await until('native:open');
  const opened = await page.$eval('#native', (el) => ({
    open: /** @type {any} */ (el).open,
    reflected: el.hasAttribute('open'),
    show: typeof (/** @type {any} */ (el).show),
  }));
  if (!opened.open || !opened.reflected || opened.show !== 'function') throw new Error(`#native after open: ${JSON.stringify(opened)}`);
  await page.click('#send-native');
  await page.waitForFunction(() => window.amoiqLog.some((e) => e.startsWith('native:message:sent:hello from')), { timeout: 20_000 });
  if (await page.$('#hide-native')) {
    // hide(), toggle() and show() through the app's ref; each reaches the app as its event, and
    // the app's `open` state follows (Angular: `(amoiq-open)`/`(amoiq-close)` set the signal).
    const count = (/** @type {string} */ entry) => page.evaluate((e) => window.amoiqLog.filter((x) => x === e).length, entry);
    const state = () => page.$eval('#native', (el) => /** @type {any} */ (el).open);
    const opens = await count('native:open');
    const closes = await count('native:close');
    /** @param {string} entry @param {number} n */
    const untilCount = (entry, n) =>
      page.waitForFunction((e, k) => window.amoiqLog.filter((x) => x === e).length >= k, { timeout: 15_000 }, entry, n);
    await page.click('#hide-native');
    await untilCount('native:close', closes + 1);
    if ((await state()) !== false) throw new Error('#native: still open after hide()');
    await page.click('#toggle-native');
    await untilCount('native:open', opens + 1);
    if ((await state()) !== true) throw new Error('#native: not open after toggle()');
    await page.click('#toggle-native');
    await untilCount('native:close', closes + 2);
    await page.click('#show-native');
    await untilCount('native:open', opens + 2);
    if ((await state()) !== true) throw new Error('#native: not open after show()');
  }
  if (await page.$('#server')) {
    // Rendered by a server component (Next.js): after hydration its properties are set, none lost.
    await page.waitForFunction(() => Array.isArray(/** @type {any} */ (document.querySelector('#server'))?.preChatFields), {
      timeout: 15_000,
    });
    const server = await page.$eval('#server', (el) => {
      const chat = /** @type {any} */ (el);
      return {
        fields: chat.preChatFields.length,
        noEmoji: chat.noEmoji,
        tenantId: chat.tenantId,
        attribute: el.getAttribute('prechatfields'),
      };
    });
    if (JSON.stringify(server) !== JSON.stringify({ fields: 1, noEmoji: true, tenantId: 'demo', attribute: null }))
      throw new Error(`#server after hydration: ${JSON.stringify(server)}`);
  }
  if (await page.$('#wrapped')) {
    const wrapped = await page.$eval('#wrapped', (el) => {
      const chat = /** @type {any} */ (el);
      return { fields: Array.isArray(chat.preChatFields) && chat.preChatFields.length, noEmoji: chat.noEmoji, position: chat.position };
    });
    if (wrapped.fields !== 1 || wrapped.noEmoji !== true || wrapped.position !== 'bottom-left')
      throw new Error(`#wrapped: ${JSON.stringify(wrapped)}`);
    await page.click('#show-wrapped');
    await until('wrapped:open');
    await page.$eval('#wrapped', (el) => /** @type {any} */ (el).send('hello from the wrapper'));
    await until('wrapped:message:sent:hello from the wrapper');
  }
}

// The reference backend (a fresh data directory, any free port) and Chromium, shared by every example.
const backend = values['no-browser']
  ? null
  : await startNode({ name: 'frameworks', root: process.env.AMOIQ_BACKEND_ROOT ?? ROOT, readyMs: 240_000 });
const browser = values['no-browser'] ? null : await launchChromium();
try {
  for (const name of examples) {
    console.log(`::: examples/${name}`);
    const dir = join(WORK, name);
    mkdirSync(dir, { recursive: true });
    cpSync(join(ROOT, 'examples', name), dir, { recursive: true, filter: (src) => !/node_modules|[\\/](dist|out|\.next)$/.test(src) });
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    pkg.dependencies = { ...pkg.dependencies, 'amoiq-chat': `file:${tarball}` };
    writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
    // The tarball's version does not change between runs: drop the copy the last run installed.
    rmSync(join(dir, 'node_modules', 'amoiq-chat'), { recursive: true, force: true });
    const lockFile = join(dir, 'package-lock.json');
    if (existsSync(lockFile)) {
      const lock = JSON.parse(readFileSync(lockFile, 'utf8'));
      delete lock.packages?.['node_modules/amoiq-chat'];
      writeFileSync(lockFile, JSON.stringify(lock, null, 2));
    }
    let installed = false;
    await step(`${name}: install (npm install, the packed tarball)`, () => {
      sh('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel', 'error'], dir);
      installed = true;
    });
    if (!installed) continue;
    await step(`${name}: typecheck (strict)`, () => void sh('npm', ['run', '--silent', 'typecheck'], dir));
    if (!inBrowser(name)) continue;
    let built = false;
    await step(`${name}: build`, () => {
      sh('npm', ['run', '--silent', 'build'], dir);
      built = true;
    });
    if (!built || !browser || !backend) continue;
    await step(`${name}: in Chromium against the reference backend`, async () => {
      const site = await serveSite({ dir: join(dir, pkg.amoiqServe ?? 'dist'), spa: true }); // `amoiqServe`: the build's folder
      const page = await browser.newPage();
      const errors = /** @type {string[]} */ ([]);
      page.on('pageerror', (e) => errors.push(String(e)));
      try {
        await page.goto(`${site.url}/?gateway=${encodeURIComponent(backend.url)}`);
        await drive(page);
        if (errors.length) throw new Error(`errors on the page: ${errors.join('; ')}`);
      } finally {
        await page.close();
        await site.close();
      }
    });
  }
} finally {
  await browser?.close();
  await backend?.stop();
}

const failed = results.filter((r) => !r.ok);
for (const r of failed) console.log(`failed: ${r.name}`);
console.log(`\n${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length ? 1 : 0);
