// @ts-check
// Issue 15, bug 8: the drop-in's files are precompressed at build (scripts/compress.mjs) and the
// reference backend's static server sends the Brotli or gzip file the request accepts, with
// Vary: Accept-Encoding, and caches hashed chunks for a year (immutable), the loader briefly.
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { createServer, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { IMMUTABLE, LOADER_CACHE, acceptsEncoding, serveStatic } from '../../demo/server/static.js';
import { compressPaths } from '../../scripts/compress.mjs';

/** Text that compresses like code does: repetitive, a few hundred KB. */
const script = (/** @type {string} */ name) =>
  Array.from({ length: 4000 }, (_, i) => `export function ${name}${i}(a, b) { return a * ${i} + b; }\n`).join('');

/**
 * One raw GET (Node's fetch would decode the body and choose Accept-Encoding itself).
 * @param {string} url
 * @param {Record<string, string>} [headers]
 * @returns {Promise<{ status: number, headers: import('node:http').IncomingHttpHeaders, body: Buffer }>}
 */
function get(url, headers = {}) {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks = /** @type {Buffer[]} */ ([]);
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('static files: precompressed and cached (issue 15, bug 8)', () => {
  /** @type {string} */ let root;
  /** @type {string} */ let base;
  /** @type {import('node:http').Server} */ let server;
  const chunk = 'chunks/amoiq-chat.main-Ab12Cd34.js';
  /** @type {Record<string, string>} */
  const sources = { 'amoiq-chat.js': script('loader'), [chunk]: script('main') };

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'amoiq-static-'));
    const widgetDir = join(root, 'dist');
    await mkdir(join(widgetDir, 'chunks'), { recursive: true });
    await mkdir(join(root, 'demo'));
    for (const [name, text] of Object.entries(sources)) await writeFile(join(widgetDir, name), text);
    const done = await compressPaths([widgetDir]);
    assert.deepEqual(
      done.map((d) => d.file).sort(),
      Object.keys(sources)
        .map((n) => join(widgetDir, n))
        .sort(),
    );
    server = createServer(async (req, res) => {
      if (!(await serveStatic(req, res, { repoRoot: root, widgetDir }))) res.writeHead(404).end();
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
    const address = /** @type {import('node:net').AddressInfo} */ (server.address());
    base = `http://127.0.0.1:${address.port}`;
  });

  after(async () => {
    await new Promise((resolve) => server.close(() => resolve(undefined)));
    await rm(root, { recursive: true, force: true });
  });

  it('sends Brotli when accepted, gzip otherwise, the original without either; the bytes decode to the file', async () => {
    for (const name of Object.keys(sources)) {
      const original = Buffer.from(sources[name]);
      const br = await get(`${base}/${name}`, { 'Accept-Encoding': 'gzip, deflate, br, zstd' });
      assert.equal(br.status, 200);
      assert.equal(br.headers['content-encoding'], 'br');
      assert.equal(br.headers.vary, 'Accept-Encoding');
      assert.equal(Number(br.headers['content-length']), br.body.length);
      assert.ok(br.body.length < original.length / 5, `${name}: ${br.body.length} bytes of Brotli for ${original.length}`);
      assert.deepEqual(brotliDecompressSync(br.body), original);

      const gz = await get(`${base}/${name}`, { 'Accept-Encoding': 'gzip' });
      assert.equal(gz.headers['content-encoding'], 'gzip');
      assert.equal(gz.headers.vary, 'Accept-Encoding');
      assert.deepEqual(gunzipSync(gz.body), original);

      // q=0 refuses an encoding.
      const noBr = await get(`${base}/${name}`, { 'Accept-Encoding': 'br;q=0, gzip;q=0.5' });
      assert.equal(noBr.headers['content-encoding'], 'gzip');

      const plain = await get(`${base}/${name}`);
      assert.equal(plain.headers['content-encoding'], undefined);
      assert.equal(plain.headers.vary, 'Accept-Encoding');
      assert.deepEqual(plain.body, original);
      assert.equal(plain.headers['content-type'], 'text/javascript; charset=utf-8');
    }
  });

  it('caches hashed chunks for a year (immutable) and the loader briefly, usable stale while revalidated', async () => {
    const main = await get(`${base}/${chunk}`, { 'Accept-Encoding': 'br' });
    assert.equal(main.headers['cache-control'], IMMUTABLE);
    assert.equal(IMMUTABLE, 'public, max-age=31536000, immutable');
    const loader = await get(`${base}/amoiq-chat.js`, { 'Accept-Encoding': 'br' });
    assert.equal(loader.headers['cache-control'], LOADER_CACHE);
    assert.match(LOADER_CACHE, /max-age=300\b/);
    assert.match(LOADER_CACHE, /stale-while-revalidate=\d+/);
    // Revalidation: the same tag is a 304 without a body; each encoding has its own tag.
    assert.ok(loader.headers.etag);
    const again = await get(`${base}/amoiq-chat.js`, { 'Accept-Encoding': 'br', 'If-None-Match': String(loader.headers.etag) });
    assert.equal(again.status, 304);
    assert.equal(again.body.length, 0);
    const gz = await get(`${base}/amoiq-chat.js`, { 'Accept-Encoding': 'gzip', 'If-None-Match': String(loader.headers.etag) });
    assert.equal(gz.status, 200);
    assert.notEqual(gz.headers.etag, loader.headers.etag);
  });

  it('never sends a compressed file older than the original (a build without the compress step)', async () => {
    const file = join(root, 'dist', 'amoiq-chat.js');
    const changed = script('rebuilt');
    await writeFile(file, changed);
    const later = new Date(Date.now() + 60_000);
    await utimes(file, later, later);
    const res = await get(`${base}/amoiq-chat.js`, { 'Accept-Encoding': 'br, gzip' });
    assert.equal(res.headers['content-encoding'], undefined);
    assert.equal(res.body.toString(), changed);
    assert.equal((await readFile(file)).toString(), changed);
  });

  it('refuses the .br and .gz files themselves (not a served type)', async () => {
    assert.equal((await get(`${base}/${chunk}.br`)).status, 404);
    assert.equal((await get(`${base}/amoiq-chat.js.gz`)).status, 404);
  });

  it('reads Accept-Encoding as RFC 9110 says: weights, q=0, and *', () => {
    assert.equal(acceptsEncoding('gzip, br')('br'), true);
    assert.equal(acceptsEncoding('gzip;q=1.0, br;q=0')('br'), false);
    assert.equal(acceptsEncoding('*')('gzip'), true);
    assert.equal(acceptsEncoding('*, br;q=0')('br'), false);
    assert.equal(acceptsEncoding('identity')('gzip'), false);
    assert.equal(acceptsEncoding(undefined)('br'), false);
  });
});
