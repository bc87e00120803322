// @ts-check
/* global window, document, customElements -- the functions given to page.evaluate run in the browser */
/**
 * Lit SSR, render and hydrate (issue 14): `<amoiq-chat>` rendered on the server with @lit-labs/ssr
 * (its launcher in declarative shadow DOM) hydrates in a real browser. The page is the server's
 * HTML; Chromium (puppeteer-core) builds the shadow root from it before any script runs; then
 * @lit-labs/ssr-client's `lit-element-hydrate-support` loads and after it the element's module
 * (as an app that server-renders with Lit loads them) and the element must take over the server's DOM: the
 * launcher button from the server is the one in use (not a second one), clicking it opens the
 * panel against the reference backend, and the console shows no hydration error (a template
 * that differs between server and browser makes Lit throw "Hydration value mismatch").
 *
 * The sources are transpiled with esbuild as in frameworks.test.mjs: one module per source for
 * Node (the server render runs in a fresh Node process, as an app's server would), and a bundle
 * for the browser. The backend is demo/server/main.js on a free port with a fresh data directory.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { launchChromium, serveSite } from './helpers/browser.mjs';
import { transpileSources } from './helpers/build.mjs';
import { startNode } from './helpers/processes.mjs';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIR = join(ROOT, 'tmp', `ssr-hydrate-test-${process.pid}`);
const ESM = join(DIR, 'esm');
const WWW = join(DIR, 'www');
const run = promisify(execFile);

/** @type {import('./helpers/processes.mjs').Node} */ let backend;
/** @type {Awaited<ReturnType<typeof serveSite>>} */ let site;
/** @type {string} */ let siteUrl;
/** @type {import('puppeteer-core').Browser} */ let browser;
/** The pages: what the server rendered, by path (`/define`, `/lazy`). @type {Record<string, string>} */
const pages = {};

/**
 * Renders `template` (a lit `html` template's source, with `fields` and `gateway` in scope) with
 * @lit-labs/ssr in a fresh Node process that imports the element's `entry` (define.js or lazy.js).
 * @param {string} name @param {string} entry @param {string} template
 */
async function ssr(name, entry, template) {
  const file = join(DIR, `${name}.mjs`);
  writeFileSync(
    file,
    `import { render } from '@lit-labs/ssr';
     import { collectResult } from '@lit-labs/ssr/lib/render-result.js';
     import { html } from 'lit';
     await import(${JSON.stringify(join(ESM, entry))});
     const gateway = ${JSON.stringify(backend.url)};
     process.stdout.write(await collectResult(render(html\`${template}\`)));`,
  );
  const { stdout } = await run(process.execPath, [file], { cwd: ROOT, timeout: 60_000 });
  return stdout;
}

before(async () => {
  await transpileSources(ESM);
  // The browser's modules, split into chunks as an app's bundler does (the lazy parts stay lazy):
  // hydrate support is an entry of its own, which the page loads before the element's entry (as
  // Lit's docs say: it must run before LitElement is defined; inlined into the element's entry it
  // would run after the chunks that entry imports, LitElement's among them).
  await build({
    entryPoints: {
      'hydrate-support': fileURLToPath(import.meta.resolve('@lit-labs/ssr-client/lit-element-hydrate-support.js')),
      define: join(ROOT, 'src', 'define.ts'),
      lazy: join(ROOT, 'src', 'lazy.ts'),
    },
    outdir: WWW,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    // package.json's `sideEffects` names dist/'s entries; src/define.ts and src/lazy.ts are
    // imported here for their side effect (registering the tag), so keep them.
    ignoreAnnotations: true,
    logLevel: 'error',
  });
  backend = await startNode({ name: 'ssr-hydrate', readyMs: 240_000 });
  // The server's pages, and the browser's modules beside them.
  site = await serveSite({ pages, dir: WWW });
  siteUrl = site.url;
  browser = await launchChromium();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await backend?.stop();
  rmSync(DIR, { recursive: true, force: true });
});

/**
 * Server-renders `<amoiq-chat>` with `entry`, loads the page, hydrates it with `client` and checks
 * that the server's launcher was taken over and works.
 * @param {string} name @param {'define.js' | 'lazy.js'} entry @param {string} client
 */
async function renderAndHydrate(name, entry, client) {
  const html = await ssr(
    name,
    entry,
    `<amoiq-chat id="chat" tenant-id="demo" gateway-url=\${gateway} storage="memory" db-name="ssr-${name}" position="bottom-left" theme="dark"></amoiq-chat>`,
  );
  assert.match(html, /<template shadowroot="open" shadowrootmode="open">/, 'declarative shadow root');
  pages[`/${name}`] = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>SSR</title></head><body>${html}</body></html>`;
  const page = await browser.newPage();
  /** @type {string[]} */
  const problems = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e}`));
  page.on('response', (r) => {
    if (r.status() >= 400) problems.push(`${r.status()} ${r.url()}`);
  });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warn' || /hydrat/i.test(m.text())) problems.push(`console.${m.type()}: ${m.text()}`);
  });
  try {
    await page.goto(`${siteUrl}/${name}`);
    // Before any script: the HTML parser attached the server's shadow root, launcher included.
    const before = await page.evaluate(() => {
      const chat = /** @type {HTMLElement} */ (document.querySelector('#chat'));
      const launcher = chat.shadowRoot?.querySelector('button.launcher');
      /** @type {any} */ (window).ssrLauncher = launcher;
      return { defined: !!customElements.get('amoiq-chat'), launchers: chat.shadowRoot?.querySelectorAll('button.launcher').length ?? 0 };
    });
    assert.deepEqual(before, { defined: false, launchers: 1 }, 'the server-rendered launcher, before the element is defined');

    await page.addScriptTag({ type: 'module', url: `${siteUrl}/hydrate-support.js` });
    await page.addScriptTag({ type: 'module', url: `${siteUrl}/${client}` });
    await page.waitForFunction(() => customElements.get('amoiq-chat'), { timeout: 60_000 });
    const hydrated = await page.evaluate(async () => {
      const chat = /** @type {any} */ (document.querySelector('#chat'));
      await chat.updateComplete;
      const root = /** @type {ShadowRoot} */ (chat.shadowRoot);
      const launcher = root.querySelector('button.launcher');
      return {
        upgraded: chat instanceof /** @type {any} */ (customElements.get('amoiq-chat')),
        hydrated: !chat.hasAttribute('defer-hydration') && chat.hasUpdated === true,
        sameLauncher: launcher === /** @type {any} */ (window).ssrLauncher,
        launchers: root.querySelectorAll('button.launcher').length,
        bases: root.querySelectorAll('.base').length,
        templates: root.querySelectorAll('template').length,
        position: chat.position,
        open: chat.open,
      };
    });
    assert.deepEqual(
      hydrated,
      { upgraded: true, hydrated: true, sameLauncher: true, launchers: 1, bases: 1, templates: 0, position: 'bottom-left', open: false },
      'the element took over the server-rendered DOM (no second launcher)',
    );

    // The server's launcher button, clicked, opens the panel (the listener was attached to it).
    await page.evaluate(() => /** @type {HTMLElement} */ (/** @type {any} */ (window).ssrLauncher).click());
    await page.waitForFunction(
      () => {
        const chat = /** @type {any} */ (document.querySelector('#chat'));
        const panel = chat.shadowRoot.querySelector('#panel');
        return chat.open && chat.hasAttribute('open') && panel && !panel.hidden && panel.querySelector('amoiq-chat-input');
      },
      { timeout: 30_000 },
    );
    const after = await page.evaluate(() => {
      const chat = /** @type {any} */ (document.querySelector('#chat'));
      const launcher = chat.shadowRoot.querySelector('button.launcher');
      return {
        sameLauncher: launcher === /** @type {any} */ (window).ssrLauncher,
        expanded: launcher.getAttribute('aria-expanded'),
        launchers: chat.shadowRoot.querySelectorAll('button.launcher').length,
      };
    });
    assert.deepEqual(after, { sameLauncher: true, expanded: 'true', launchers: 1 });
    // The panel talks to the backend: the chat goes online.
    await page
      .waitForFunction(() => /** @type {any} */ (document.querySelector('#chat')).connectionState === 'online', { timeout: 30_000 })
      .catch(async (err) => {
        const state = await page.$eval('#chat', (el) => /** @type {any} */ (el).connectionState);
        throw new Error(`${err.message}: the chat is ${state}; ${problems.join('; ')}`);
      });
    assert.deepEqual(problems, [], 'no errors or warnings in the console (a hydration mismatch throws)');
  } catch (err) {
    if (problems.length) /** @type {Error} */ (err).message += `\nin the browser: ${problems.join('\n')}`;
    throw err;
  } finally {
    await page.close();
  }
}

test('Lit SSR + hydration in Chromium: amoiq-chat/define takes over the server-rendered launcher, which opens the panel', async () => {
  await renderAndHydrate('define', 'define.js', 'define.js');
});

test('Lit SSR + hydration in Chromium: amoiq-chat/lazy takes over the server-rendered launcher, which loads and opens the panel', async () => {
  await renderAndHydrate('lazy', 'lazy.js', 'lazy.js');
});
