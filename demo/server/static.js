// @ts-check
/**
 * Static files served next to the API, so the whole demo runs from one port. Only these, from an
 * explicit allow-list of public folders:
 *
 * | URL | folder |
 * | --- | --- |
 * | `/`, `/index.html`, `/demo/<file>` | the demo page's own files: regular files directly in `demo/` (no subfolder) |
 * | `/favicon.ico` | `demo/favicon.ico`, the icon every page of this server (demo pages, agent console) gets |
 * | `/amoiq-chat.js`, `/amoiq-chat.js.map`, `/chunks/<file>` | the built drop-in script (`dist/`, `WIDGET_DIR`) |
 * | `/agent/…` | the built agent console (`demo/agent/dist/`; a single-page app: unknown routes get its index.html) |
 *
 * Nothing else is ever served: not `demo/server/` (the backend's sources and tenants file), not
 * the data directory, whatever the spelling of the path. The path is checked before it touches the
 * file system (decoded once; no `%` left, no backslash, control or non-ASCII character, no empty,
 * `.`, `..`, dot-leading or dot-trailing segment), then the file's real path (symlinks and case
 * resolved by the file system) must be exactly the allowed folder plus the requested segments,
 * outside `demo/server/` and the data directory, a regular file of a known type.
 *
 * Caching (docs/reliability.md, "When the backend is down"): files with a content hash in their
 * name (`/chunks/…`, `/agent/assets/…`) are `immutable` for a year; the drop-in loader
 * (`/amoiq-chat.js`) is fresh for 5 minutes and may then be used stale for a week while it is
 * revalidated, so a page reloaded while the backend is down still starts the widget from the
 * browser's cache; pages and the rest are revalidated every time (`no-cache`, with `ETag` and
 * `Last-Modified`: a `304` when unchanged). Compression: text files are sent as the precompressed
 * `.br` or `.gz` beside them (written at build time by scripts/compress.mjs) when the request's
 * `Accept-Encoding` allows it and the compressed file is not older than the original, with
 * `Vary: Accept-Encoding`.
 */
import { createReadStream } from 'node:fs';
import { lstat, realpath, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import { notFound } from './errors.js';
import { seedScriptSegments } from './seed-paths.js';

const CONTENT_TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
});

/** Types worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set(['.html', '.js', '.mjs', '.css', '.map', '.svg', '.txt']);

/** Precompressed siblings, best first: the file name suffix and its `Content-Encoding`. */
const ENCODINGS = /** @type {const} */ ([
  ['.br', 'br'],
  ['.gz', 'gzip'],
]);

/** Files whose name carries a hash of their content: never change, cached for a year. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/**
 * The drop-in loader keeps its URL across releases, so it is cached briefly; stale, it may still
 * be used for a week while the browser revalidates it (the widget starts on a reload while the
 * backend is down).
 */
export const LOADER_CACHE = 'public, max-age=300, stale-while-revalidate=604800';
/** The site icon: rarely changes, and browsers ask for it on every page. */
const ICON_CACHE = 'public, max-age=86400';
/** Everything else: revalidated on each use (a `304` when unchanged). */
const REVALIDATE = 'no-cache';

/**
 * The policy `/demo/csp.html` is served with: nothing inline, nothing evaluated, no HTML from
 * strings without a Trusted Types policy. The widget must work under it (docs/security.md).
 */
export const STRICT_CSP = "default-src 'self'; base-uri 'none'; object-src 'none'; require-trusted-types-for 'script'";

/** The agent console may not be framed by any page (clickjacking): CSP and the older header. */
const CONSOLE_HEADERS = Object.freeze({ 'Content-Security-Policy': "frame-ancestors 'none'", 'X-Frame-Options': 'DENY' });

/** One URL path segment as the allow-list understands it: letters, digits, `_ - + .`, no leading or trailing dot. */
const SEGMENT = /^[A-Za-z0-9_+-](?:[A-Za-z0-9_.+-]*[A-Za-z0-9_+-])?$/;

/**
 * The segments of a request path, or null when the path is not one the static server answers.
 * `raw` is the request target as received (still percent-encoded, query included); it is decoded
 * exactly once, and anything that would need a second decoding, a normalisation or a file-system
 * specific reading (backslashes, `..`, `%2f`, `%252e`, NUL, overlong UTF-8, trailing dots or
 * spaces, `::$DATA`, fullwidth dots) is refused.
 * @param {string} raw
 * @returns {string[] | null} `['demo', 'host.js']`; a trailing slash gives a last empty segment
 */
export function pathSegments(raw) {
  const path = raw.split('?')[0];
  if (!path.startsWith('/') || !/^[\x21-\x7e]*$/.test(path) || path.includes('\\')) return null;
  let decoded;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return null; // malformed or overlong UTF-8
  }
  if (decoded.includes('%') || decoded.includes('\\') || !/^[\x21-\x7e]*$/.test(decoded)) return null;
  const segments = decoded.slice(1).split('/');
  const last = segments.length - 1;
  // Only the last segment may be empty (`/`, `/agent/`).
  return segments.every((segment, i) => SEGMENT.test(segment) || (i === last && segment === '')) ? segments : null;
}

/**
 * @typedef {{ repoRoot: string, widgetDir?: string, dataDir?: string }} StaticRoots
 *   `widgetDir`: the built drop-in script (default `<repoRoot>/dist`); `dataDir`: never served
 */

/**
 * The real path of `root` joined with `segments` if it is exactly that (no symlink, no case
 * folding, no alias), a regular file of a served type, and outside every denied folder; else null.
 * @param {string} root
 * @param {string[]} segments
 * @param {string[]} denied real paths of folders that are never served
 */
async function allowedFile(root, segments, denied) {
  if (segments.length === 0 || !CONTENT_TYPES[extname(segments.at(-1) ?? '').toLowerCase()]) return null;
  const realRoot = await realpath(root).catch(() => null);
  if (!realRoot) return null;
  const wanted = join(realRoot, ...segments);
  const real = await realpath(wanted).catch(() => null);
  if (real !== wanted || !real.startsWith(realRoot + sep)) return null;
  if (denied.some((dir) => real === dir || real.startsWith(dir + sep))) return null;
  const info = await stat(real).catch(() => null);
  return info?.isFile() ? { file: real, size: info.size, mtimeMs: info.mtimeMs } : null;
}

/**
 * The encodings a request accepts (`Accept-Encoding`, `q=0` refuses one; `*` stands for the rest).
 * @param {string | undefined} header
 * @returns {(encoding: string) => boolean}
 */
export function acceptsEncoding(header) {
  /** @type {Map<string, number>} */
  const q = new Map();
  for (const part of (header ?? '').split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const weight = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const value = weight ? Number(weight.slice(2)) : 1;
    q.set(name, Number.isFinite(value) ? value : 0);
  }
  return (encoding) => (q.get(encoding) ?? q.get('*') ?? 0) > 0;
}

/**
 * The precompressed sibling of `found` to send for this request (a regular file, not a link, at
 * least as new as the original), or null for the original.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ file: string, mtimeMs: number }} found
 * @returns {Promise<{ file: string, size: number, encoding: string } | null>}
 */
async function precompressed(req, found) {
  if (!COMPRESSIBLE.has(extname(found.file).toLowerCase())) return null;
  const accepts = acceptsEncoding(req.headers['accept-encoding']);
  for (const [suffix, encoding] of ENCODINGS) {
    if (!accepts(encoding)) continue;
    const info = await lstat(found.file + suffix).catch(() => null);
    if (info?.isFile() && info.mtimeMs >= found.mtimeMs) return { file: found.file + suffix, size: info.size, encoding };
  }
  return null;
}

/**
 * Sends a file (or its precompressed sibling) with its caching headers; `304` when the request's
 * `If-None-Match` names it.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {{ file: string, size: number, mtimeMs: number }} found
 * @param {string} cacheControl
 * @param {Record<string, string>} [extraHeaders]
 */
async function sendFile(req, res, found, cacheControl, extraHeaders = {}) {
  const ext = extname(found.file).toLowerCase();
  const compressed = await precompressed(req, found);
  const sent = compressed ?? found;
  // One tag per version and encoding (the bytes differ), weak: it is made from size and time.
  const etag = `W/"${found.size.toString(36)}-${Math.floor(found.mtimeMs).toString(36)}${compressed ? `-${compressed.encoding}` : ''}"`;
  /** @type {Record<string, string | number>} */
  const headers = {
    'Content-Type': CONTENT_TYPES[ext],
    'Cache-Control': cacheControl,
    ETag: etag,
    'Last-Modified': new Date(found.mtimeMs).toUTCString(),
    'X-Content-Type-Options': 'nosniff',
    ...(COMPRESSIBLE.has(ext) ? { Vary: 'Accept-Encoding' } : {}),
    ...(compressed ? { 'Content-Encoding': compressed.encoding } : {}),
    ...extraHeaders,
  };
  const match = req.headers['if-none-match'];
  if (match && match.split(',').some((tag) => tag.trim() === etag || tag.trim() === '*')) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': sent.size });
  if (req.method === 'HEAD') res.end();
  else createReadStream(sent.file).pipe(res);
}

/**
 * Serves the allowed static files. Returns false when the request is not for one (the caller
 * answers `404 not_found`); throws a 404 with a hint when an allowed file is not built yet.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {StaticRoots} roots
 */
export async function serveStatic(req, res, { repoRoot, widgetDir = join(repoRoot, 'dist'), dataDir }) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  // The seeds' script paths are the drop-in's (seed-paths.js).
  const segments = seedScriptSegments(pathSegments(req.url ?? ''));
  if (!segments) return false;
  const demoDir = join(repoRoot, 'demo');
  const denied = (
    await Promise.all([join(demoDir, 'server'), dataDir].map((dir) => (dir ? realpath(dir).catch(() => null) : null)))
  ).filter((dir) => dir !== null);
  const [mount, ...rest] = segments;

  // The demo page's own files: directly in demo/, never in a subfolder (server/, agent/).
  if ((segments.length === 1 && (mount === '' || mount === 'index.html')) || (mount === 'demo' && rest.length === 1)) {
    const name = mount === 'demo' ? rest[0] : 'index.html';
    const found = await allowedFile(demoDir, [name], denied);
    if (!found) return false;
    // The policy goes with the resolved file, so no spelling of the path gets the page without it.
    await sendFile(req, res, found, REVALIDATE, basename(found.file) === 'csp.html' ? { 'Content-Security-Policy': STRICT_CSP } : {});
    return true;
  }

  // Browsers ask every page's origin for /favicon.ico (the demo pages and the console name none).
  if (segments.length === 1 && mount === 'favicon.ico') {
    const found = await allowedFile(demoDir, ['favicon.ico'], denied);
    if (!found) return false;
    await sendFile(req, res, found, ICON_CACHE);
    return true;
  }

  // The drop-in script is a small loader; its ES modules are in chunks/ beside it.
  if (
    (segments.length === 1 && (mount === 'amoiq-chat.js' || mount === 'amoiq-chat.js.map')) ||
    (mount === 'chunks' && rest.length === 1)
  ) {
    const found = await allowedFile(widgetDir, segments, denied);
    if (found) {
      // Chunks are named after their content's hash; the loader keeps its name across releases.
      await sendFile(
        req,
        res,
        found,
        mount === 'chunks' && !found.file.endsWith('.map') ? IMMUTABLE : mount === 'amoiq-chat.js' ? LOADER_CACHE : REVALIDATE,
      );
      return true;
    }
    if (mount === 'chunks') return false;
    throw notFound(`dist/${mount} is missing: build the widget first with \`npm run build:embed\` (or \`npm start\`).`);
  }

  if (mount === 'agent') {
    if (rest.length === 0) {
      res.writeHead(308, { Location: '/agent/' }).end();
      return true;
    }
    const distDir = join(demoDir, 'agent', 'dist');
    const route = rest.at(-1) === '' || !extname(rest.at(-1) ?? '');
    const found =
      (rest.at(-1) !== '' && (await allowedFile(distDir, rest, denied))) || (route && (await allowedFile(distDir, ['index.html'], denied)));
    if (found) {
      // Vite names the console's assets after their content's hash.
      await sendFile(req, res, found, rest[0] === 'assets' && rest.length === 2 ? IMMUTABLE : REVALIDATE, CONSOLE_HEADERS);
      return true;
    }
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) res.setHeader(name, value);
    if (route) throw notFound('The agent console is not built: run `npx vite build --config demo/agent/vite.config.ts`.');
    return false;
  }
  return false;
}
