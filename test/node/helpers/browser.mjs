// @ts-check
/**
 * Real Chromium for the browser-driving Node tests and scripts/test-frameworks.mjs: one way to
 * launch it (puppeteer-core, CHROME_PATH or /usr/bin/chromium, the same flags everywhere) and a
 * site of its own to load (a site owner's pages on an origin of their own, a built app's files).
 */
import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join } from 'node:path';
import puppeteer from 'puppeteer-core';

export const CHROME = process.env.CHROME_PATH ?? '/usr/bin/chromium';

/** The flags every test browser starts with: no sandbox (containers, CI), no GPU, no first-run or background traffic. */
export const CHROME_FLAGS = ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'];

/**
 * Launches headless Chromium with {@link CHROME_FLAGS} and `args`. Generous timeouts: on a loaded
 * machine Chromium can take long to start and to answer.
 * @param {{ args?: string[], userDataDir?: string }} [o] `userDataDir`: a profile of the test's own
 *   (its HTTP cache survives a reload)
 */
export function launchChromium({ args = [], userDataDir } = {}) {
  return puppeteer.launch({
    executablePath: CHROME,
    headless: true,
    userDataDir,
    timeout: 90_000,
    protocolTimeout: 120_000,
    args: [...CHROME_FLAGS, ...args],
  });
}

/** @type {Record<string, string>} */
const TYPES = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};

/**
 * A site on 127.0.0.1, any free port: `pages` by path (HTML, looked up at each request, so a test
 * may add pages later) with `cacheControl`; else a file of `dir`; else, with `spa`, `dir`'s
 * index.html (an app's client-side routes); else 404. `/favicon.ico` answers 204 (no error in
 * the page's console).
 * @param {{ pages?: Record<string, string>, dir?: string, spa?: boolean, cacheControl?: string }} o
 * @returns {Promise<{ url: string, close: () => Promise<void> }>}
 */
export async function serveSite({ pages = {}, dir, spa = false, cacheControl = 'no-store' }) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/favicon.ico') return void res.writeHead(204).end();
    const page = Object.hasOwn(pages, path) ? pages[path] : undefined;
    if (page !== undefined) {
      return void res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': cacheControl }).end(page);
    }
    if (!dir) return void res.writeHead(404).end();
    let file = join(dir, path);
    const found = file.startsWith(dir) && existsSync(file) && !statSync(file).isDirectory();
    if (!found && !spa) return void res.writeHead(404).end();
    if (!found) file = join(dir, 'index.html');
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  await new Promise((done) => server.listen(0, '127.0.0.1', () => done(undefined)));
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((done) => server.close(() => done(undefined))),
  };
}
