// @ts-check
/**
 * Static files served next to the API, so the whole demo runs from one port. Only these, from an
 * explicit allow-list of public folders:
 *
 * | URL | folder |
 * | --- | --- |
 * | `/`, `/index.html`, `/demo/<file>` | the demo page's own files: regular files directly in `demo/` (no subfolder) |
 * | `/amoiq-chat.js`, `/amoiq-chat.js.map`, `/chunks/<file>` | the built drop-in script (`dist/`, `WIDGET_DIR`) |
 * | `/agent/…` | the built agent console (`demo/agent/dist/`; a single-page app: unknown routes get its index.html) |
 *
 * Nothing else is ever served: not `demo/server/` (the backend's sources and tenants file), not
 * the data directory, whatever the spelling of the path. The path is checked before it touches the
 * file system (decoded once; no `%` left, no backslash, control or non-ASCII character, no empty,
 * `.`, `..`, dot-leading or dot-trailing segment), then the file's real path (symlinks and case
 * resolved by the file system) must be exactly the allowed folder plus the requested segments,
 * outside `demo/server/` and the data directory, a regular file of a known type.
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { basename, extname, join, sep } from 'node:path';
import { notFound } from './errors.js';

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
  return info?.isFile() ? { file: real, size: info.size } : null;
}

/**
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {{ file: string, size: number }} found
 * @param {Record<string, string>} [extraHeaders]
 */
function sendFile(req, res, { file, size }, extraHeaders = {}) {
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()],
    'Content-Length': size,
    // Demo files change with every build; always revalidate.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
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
  const segments = pathSegments(req.url ?? '');
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
    sendFile(req, res, found, basename(found.file) === 'csp.html' ? { 'Content-Security-Policy': STRICT_CSP } : {});
    return true;
  }

  // The drop-in script is a small loader; its ES modules are in chunks/ beside it.
  if (
    (segments.length === 1 && (mount === 'amoiq-chat.js' || mount === 'amoiq-chat.js.map')) ||
    (mount === 'chunks' && rest.length === 1)
  ) {
    const found = await allowedFile(widgetDir, segments, denied);
    if (found) {
      sendFile(req, res, found);
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
      sendFile(req, res, found, CONSOLE_HEADERS);
      return true;
    }
    for (const [name, value] of Object.entries(CONSOLE_HEADERS)) res.setHeader(name, value);
    if (route) throw notFound('The agent console is not built: run `npx vite build --config demo/agent/vite.config.ts`.');
    return false;
  }
  return false;
}
