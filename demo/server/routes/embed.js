// @ts-check
/**
 * What the seeds' embed snippets ask this server for (issue 13, README "Embedding: other
 * snippets"): the drop-in under their script paths, and the `/embed?tenantId=` page for sites
 * that embed the chat in an iframe (seeds 000/001).
 */

/** Text for an HTML attribute value or element content. @param {string} value */
const escapeHtml = (value) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

/**
 * The seeds' script paths, served as the drop-in (`/amoiq-chat.js`) with the same headers. The
 * loader finds its chunks beside its own URL, so `/embed/chunks/…` is `/chunks/…` too.
 * @type {Record<string, string>}
 */
const SEED_SCRIPTS = {
  'chat-widget.js': 'amoiq-chat.js', // seed 002
  'widget.v1.0.0.js': 'amoiq-chat.js', // seed 000
};

/**
 * The segments of the drop-in file a seed's path names, else `segments` unchanged:
 * `/chat-widget.js`, `/widget.v1.0.0.js`, `/embed/widget.js` (seed 003) → `/amoiq-chat.js`;
 * `/embed/chunks/<file>` → `/chunks/<file>`.
 * @param {string[] | null} segments
 * @returns {string[] | null}
 */
export function seedScriptSegments(segments) {
  if (!segments) return segments;
  if (segments.length === 1 && SEED_SCRIPTS[segments[0]]) return [SEED_SCRIPTS[segments[0]]];
  if (segments[0] === 'embed' && segments.length === 2 && segments[1] === 'widget.js') return ['amoiq-chat.js'];
  if (segments[0] === 'embed' && segments[1] === 'chunks' && segments.length === 3) return segments.slice(1);
  return segments;
}

/** True for the paths {@link seedScriptSegments} maps (CORS: public, like the drop-in). @param {string} pathname */
export const isSeedScriptPath = (pathname) =>
  /^\/(?:chat-widget\.js|widget\.v1\.0\.0\.js|embed\/widget\.js|embed\/chunks\/[^/]+)$/.test(pathname);

/** Attributes of `<amoiq-chat>` the `/embed` page takes from its query (camelCase or kebab-case). */
const PAGE_ATTRIBUTES = ['position', 'theme', 'theme-color', 'header-text', 'welcome-message', 'lang'];

/**
 * The CSP `frame-ancestors` of a tenant's allowed origins: who may put its `/embed` page in a
 * frame (`'none'` when the list has nothing a browser can frame from).
 * @param {readonly string[]} origins
 */
export function frameAncestors(origins) {
  if (origins.includes('*')) return '*';
  const sources = origins.filter((o) => o !== 'null' && /^[a-z0-9.*:/[\]-]+$/i.test(o));
  return sources.length ? sources.join(' ') : "'none'";
}

/**
 * `GET /embed?tenantId=<id>` (or `tenant=<id>`; optional `position`, `theme`, `themeColor`,
 * `headerText`, `welcomeMessage`, `lang`): a page with the chat open, for an iframe. Only for a
 * tenant that allows keyless embedding (the page has no API key); framed only by the tenant's
 * allowed origins (CSP `frame-ancestors`). @type {import('./index.js').Handler}
 */
export async function embedPage({ res, url, deps }) {
  const tenantId = url.searchParams.get('tenantId') ?? url.searchParams.get('tenant') ?? '';
  const tenant = tenantId ? await deps.store.tenants.byApiKey(`tenant:${tenantId}`) : null;
  if (!tenant) {
    const body = `<!doctype html><meta charset="utf-8"><title>Chat not available</title><p>No tenant ${escapeHtml(JSON.stringify(tenantId))} allows this chat page (check tenantId, and that the tenant allows keyless embedding).</p>`;
    res.writeHead(404, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff' });
    res.end(body);
    return;
  }
  const attributes = [`tenant-id="${escapeHtml(tenant.id)}"`, 'auto-open'];
  for (const name of PAGE_ATTRIBUTES) {
    const camel = name.replace(/-([a-z])/g, (_, c) => c.toUpperCase());
    const value = url.searchParams.get(camel) ?? url.searchParams.get(name);
    if (value) attributes.push(`${name}="${escapeHtml(value.slice(0, 200))}"`);
  }
  const lang = url.searchParams.get('lang')?.slice(0, 20) ?? 'en';
  const page = `<!doctype html>
<html lang="${escapeHtml(lang)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Chat</title>
</head>
<body>
<amoiq-chat ${attributes.join(' ')}></amoiq-chat>
<script src="/amoiq-chat.js" async></script>
</body>
</html>
`;
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': `frame-ancestors ${frameAncestors(tenant.allowedOrigins)}; base-uri 'none'; object-src 'none'`,
  });
  res.end(page);
}
