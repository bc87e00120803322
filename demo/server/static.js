// @ts-check
/**
 * Static files served next to the API, so the whole demo runs from one port:
 * `/` host page, `/amoiq-chat.js` the built widget (and its `/chunks/*.js`), `/demo/*` host-page assets,
 * `/agent/*` the built agent console (single-page app: unknown paths get its index.html).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';

const CONTENT_TYPES = /** @type {Record<string, string>} */ ({
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
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
 * Resolves `relative` inside `root`, or null if it escapes it (`..`, absolute paths, NUL bytes,
 * dot-files such as `.data`).
 * @param {string} root absolute directory
 * @param {string} relative URL path below the mount point, already percent-decoded
 */
export function safeJoin(root, relative) {
  if (relative.includes('\0') || relative.split(/[\\/]/).some((part) => part.startsWith('.'))) return null;
  const full = resolve(root, `.${sep}${relative}`);
  return full === root || full.startsWith(root + sep) ? full : null;
}

/**
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {string} text
 */
function sendText(res, status, text) {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' }).end(text);
}

/**
 * Streams a file if it exists. Returns false when it does not (or is a directory).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} file
 * @param {Record<string, string>} [extraHeaders]
 */
async function sendFile(req, res, file, extraHeaders = {}) {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) return false;
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': info.size,
    // Demo files change with every build; always revalidate.
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    ...extraHeaders,
  });
  if (req.method === 'HEAD') res.end();
  else createReadStream(file).pipe(res);
  return true;
}

/**
 * The policy `/demo/csp.html` is served with: nothing inline, nothing evaluated, no HTML from
 * strings without a Trusted Types policy. The widget must work under it (docs/security.md).
 */
export const STRICT_CSP = "default-src 'self'; base-uri 'none'; object-src 'none'; require-trusted-types-for 'script'";

/**
 * Serves the demo's static files. Returns false if the path is not a static mount, so the caller
 * can answer 404 the API way.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} pathname raw (still percent-encoded) URL path
 * @param {string} repoRoot absolute path of the repository
 * @param {string} [widgetDir] where the built drop-in script is (default `<repoRoot>/dist`)
 */
export async function serveStatic(req, res, pathname, repoRoot, widgetDir = join(repoRoot, 'dist')) {
  if (req.method !== 'GET' && req.method !== 'HEAD') return false;
  let path;
  try {
    path = decodeURIComponent(pathname);
  } catch {
    sendText(res, 400, 'Bad path.');
    return true;
  }
  const demoDir = join(repoRoot, 'demo');

  if (path === '/' || path === '/index.html') {
    if (await sendFile(req, res, join(demoDir, 'index.html'))) return true;
    sendText(res, 404, 'demo/index.html is missing.');
    return true;
  }

  if (path === '/amoiq-chat.js' || path === '/amoiq-chat.js.map') {
    if (await sendFile(req, res, join(widgetDir, path.slice(1)))) return true;
    sendText(res, 404, `dist${path} is missing: build the widget first with \`npm run build:embed\` (or \`npm start\`).`);
    return true;
  }

  // amoiq-chat.js is a loader: the widget's ES modules (main chunk, panel, locales, emoji
  // picker, …) are in chunks/ beside it.
  if (path.startsWith('/chunks/')) {
    const file = safeJoin(join(widgetDir, 'chunks'), path.slice('/chunks/'.length));
    if (file && (await sendFile(req, res, file))) return true;
    sendText(res, 404, 'Not found.');
    return true;
  }

  if (path.startsWith('/demo/')) {
    const rel = path.slice('/demo/'.length);
    // The backend's own sources and its data directory are not for the browser.
    const file = rel.startsWith('server/') || rel === 'server' ? null : safeJoin(demoDir, rel);
    // Checked on the resolved file, so no spelling of the path gets the page without its policy.
    /** @type {Record<string, string>} */
    const headers = file === join(demoDir, 'csp.html') ? { 'Content-Security-Policy': STRICT_CSP } : {};
    if (file && (await sendFile(req, res, file, headers))) return true;
    sendText(res, 404, 'Not found.');
    return true;
  }

  if (path === '/agent') {
    res.writeHead(308, { Location: '/agent/' }).end();
    return true;
  }
  if (path.startsWith('/agent/')) {
    const distDir = join(demoDir, 'agent', 'dist');
    const rel = path.slice('/agent/'.length);
    const file = rel ? safeJoin(distDir, rel) : null;
    if (file && (await sendFile(req, res, file))) return true;
    // Unknown asset paths (with an extension) are real 404s; everything else is an app route.
    if (!extname(rel) && (await sendFile(req, res, join(distDir, 'index.html')))) return true;
    sendText(
      res,
      404,
      extname(rel)
        ? 'Not found.'
        : 'The agent console is not built: run `npx vite build --config demo/agent/vite.config.ts`.',
    );
    return true;
  }
  return false;
}
