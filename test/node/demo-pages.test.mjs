// @ts-check
// The demo pages as a first-time user meets them (issue 15): no 404 in the console for the site
// icon (bug 6), and texts that name things by what they are for the reader, not by the seed
// documents they came from (bug 10).
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { serveStatic } from '../../demo/server/static.js';

const ROOT = resolve(import.meta.dirname, '..', '..');

/** The HTML pages this server serves to people: the demo pages and the agent console. */
async function pages() {
  const demo = (await readdir(join(ROOT, 'demo'))).filter((n) => n.endsWith('.html')).map((n) => join(ROOT, 'demo', n));
  return [...demo, join(ROOT, 'demo', 'agent', 'index.html')];
}

describe('demo pages (issue 15)', () => {
  /** @type {import('node:http').Server} */ let server;
  /** @type {string} */ let base;

  before(async () => {
    server = createServer(async (req, res) => {
      if (!(await serveStatic(req, res, { repoRoot: ROOT }))) res.writeHead(404).end();
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', () => r(undefined)));
    base = `http://127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`;
  });
  after(() => new Promise((r) => server.close(() => r(undefined))));

  it('serves /favicon.ico, which every page asks for (bug 6: it was a 404 in the console)', async () => {
    const res = await fetch(`${base}/favicon.ico`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/x-icon');
    assert.match(res.headers.get('cache-control') ?? '', /max-age=\d+/);
    const bytes = new Uint8Array(await res.arrayBuffer());
    // An ICO file: reserved 0, type 1 (icon), at least one image.
    assert.deepEqual([...bytes.slice(0, 4)], [0, 0, 1, 0]);
    assert.ok(bytes[4] >= 1);
    // No page names another icon that could be missing.
    for (const page of await pages()) {
      const html = await readFile(page, 'utf8');
      for (const [, href] of html.matchAll(/<link[^>]*rel="(?:shortcut )?icon"[^>]*href="([^"]+)"/g)) {
        assert.equal((await fetch(new URL(href, base))).status, 200, `${page}: ${href}`);
      }
    }
  });

  it('names things by what they are for the reader, not "seed 000\'s snippet" (bug 10)', async () => {
    for (const page of await pages()) assert.doesNotMatch(await readFile(page, 'utf8'), /\bseeds?\b/i, page);
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    // Where a site owner starts: "Try it" and "Embed it on a site", up to the next heading.
    for (const heading of ['## Try it', '## Embed it on a site']) {
      const start = readme.indexOf(heading);
      assert.ok(start >= 0, heading);
      const section = readme.slice(start, readme.indexOf('\n#', start + heading.length));
      assert.doesNotMatch(section, /\bseeds?\b/i, heading);
    }
  });
});
