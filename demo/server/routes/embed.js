// @ts-check
/**
 * What the seeds' embed snippets ask this server for (issue 13, README "Embedding: other
 * snippets"): the drop-in under their script paths, and the `/embed?tenantId=` page for sites
 * that embed the chat in an iframe (seeds 000/001).
 */
import { nanoid } from 'nanoid';
import { badRequest, notFound } from '../errors.js';
import { readJson, sendJson } from '../http-util.js';
import { requireAdmin, requireAgent } from './access.js';
import { requireWidget } from './widget-access.js';

/** Text for an HTML attribute value or element content. @param {string} value */
const escapeHtml = (value) =>
  value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

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

// ---------------------------------------------------------------------------------------------
// Widget configurations (docs/protocol.md, "Widget configurations")

const LOCALES = ['en', 'es', 'fr', 'de', 'ar', 'ja'];
const POSITIONS = ['bottom-right', 'bottom-left', 'top-right', 'top-left'];
const TEXT_KEYS = /** @type {const} */ (['headerText', 'welcomeMessage', 'awayMessage']);
const TEXT_MAX = { headerText: 100, welcomeMessage: 1000, awayMessage: 1000 };
const FEATURE_FLAGS = ['attachments', 'emoji', 'voice', 'assistant', 'sound'];
const COLOR = /^(#[0-9a-f]{3,4}|#[0-9a-f]{6}|#[0-9a-f]{8}|rgb\(\s*\d{1,3}\s*,\s*\d{1,3}\s*,\s*\d{1,3}\s*\)|[a-z]{3,20})$/i;
const LENGTH = /^\d{1,4}(\.\d{1,2})?(px|rem|em|vw|vh|%)$/;
const DOMAIN = /^(?:(https?):\/\/)?(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i;

/**
 * @param {Record<string, unknown>} body
 * @param {string} key
 * @param {number} max
 */
function optionalText(body, key, max) {
  const v = body[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string' || v.length > max) throw badRequest(`\`${key}\` must be a string of at most ${max} characters.`);
  return v;
}

/**
 * A widget configuration as an admin sends it (`POST`/`PUT /api/agent/widgets`), checked field by
 * field: `name` (required), `themeColor`, `position`, `width`, `height`, `headerText`,
 * `welcomeMessage`, `awayMessage`, `texts` (per language), `features`, `allowedDomains`, `active`.
 * @param {Record<string, unknown>} body
 */
export function parseWidgetInput(body) {
  const name = optionalText(body, 'name', 100);
  if (!name) throw badRequest('`name` is required (at most 100 characters).');
  /** @type {Record<string, unknown>} */
  const settings = {};
  const themeColor = optionalText(body, 'themeColor', 40);
  if (themeColor !== undefined && !COLOR.test(themeColor)) throw badRequest('`themeColor` must be a CSS colour (#rrggbb, rgb(), a name).');
  const position = optionalText(body, 'position', 20);
  if (position !== undefined && !POSITIONS.includes(position)) throw badRequest(`\`position\` must be one of ${POSITIONS.join(', ')}.`);
  Object.assign(settings, { themeColor, position });
  for (const key of ['width', 'height']) {
    const v = optionalText(body, key, 20);
    if (v !== undefined && !LENGTH.test(v)) throw badRequest(`\`${key}\` must be a CSS length such as 350px or 90vw.`);
    settings[key] = v;
  }
  for (const key of TEXT_KEYS) settings[key] = optionalText(body, key, TEXT_MAX[key]);
  if (body.texts !== undefined && body.texts !== null) {
    if (typeof body.texts !== 'object' || Array.isArray(body.texts)) throw badRequest('`texts` must be an object of languages.');
    /** @type {Record<string, Record<string, string>>} */
    const texts = {};
    for (const [lang, value] of Object.entries(body.texts)) {
      if (!LOCALES.includes(lang)) throw badRequest(`\`texts\`: "${lang.slice(0, 20)}" is not one of ${LOCALES.join(', ')}.`);
      if (typeof value !== 'object' || value === null || Array.isArray(value)) throw badRequest(`\`texts.${lang}\` must be an object.`);
      /** @type {Record<string, string>} */
      const entry = {};
      for (const key of TEXT_KEYS) {
        const v = optionalText(/** @type {Record<string, unknown>} */ (value), key, TEXT_MAX[key]);
        if (v !== undefined) entry[key] = v;
      }
      texts[lang] = entry;
    }
    settings.texts = texts;
  }
  if (body.features !== undefined && body.features !== null) {
    if (typeof body.features !== 'object' || Array.isArray(body.features)) throw badRequest('`features` must be an object.');
    const f = /** @type {Record<string, unknown>} */ (body.features);
    /** @type {Record<string, unknown>} */
    const features = {};
    for (const key of FEATURE_FLAGS) {
      if (f[key] === undefined) continue;
      if (typeof f[key] !== 'boolean') throw badRequest(`\`features.${key}\` must be a boolean.`);
      features[key] = f[key];
    }
    const fields = optionalText(f, 'preChatFields', 200);
    if (fields !== undefined && !/^[A-Za-z0-9_*, -]+$/.test(fields))
      throw badRequest('`features.preChatFields` must be like "name,email*".');
    if (fields !== undefined) features.preChatFields = fields;
    settings.features = features;
  }
  const domains = body.allowedDomains ?? [];
  if (
    !Array.isArray(domains) ||
    domains.length > 50 ||
    domains.some((d) => typeof d !== 'string' || (d !== '*' && d !== 'null' && !DOMAIN.test(d)))
  )
    throw badRequest('`allowedDomains` must be at most 50 origin patterns (`https://shop.example.com`, `*.example.com`, `*`).');
  if (body.active !== undefined && typeof body.active !== 'boolean') throw badRequest('`active` must be a boolean.');
  for (const key of Object.keys(settings)) if (settings[key] === undefined) delete settings[key];
  return { name, settings, allowedDomains: /** @type {string[]} */ (domains), active: body.active !== false };
}

/**
 * What `GET /embed/config/:id` and the agent API show of a widget.
 * @param {import('../store/widgets.js').Widget} widget
 */
export const publicWidget = (widget) => ({ id: widget.id, tenantId: widget.tenantId, name: widget.name, ...widget.settings });

/**
 * `GET /embed/config/:id`: a widget's configuration for the drop-in, refused (with the code and
 * the fix) when the widget is unknown or off, or the page's origin is not one it may run on.
 * `ETag` is the widget's version; `If-None-Match` with it answers `304`. @type {import('./index.js').Handler}
 */
export async function getWidgetConfig({ req, res, params, deps }) {
  res.setHeader('Vary', 'Origin');
  res.setHeader('Cache-Control', 'no-cache');
  const { widget } = await requireWidget(deps, params.id, req.headers.origin);
  const etag = `"${widget.id}.${widget.version}"`;
  res.setHeader('ETag', etag);
  if (
    String(req.headers['if-none-match'] ?? '')
      .split(',')
      .some((tag) => tag.trim().replace(/^W\//, '') === etag)
  ) {
    res.writeHead(304).end();
    return;
  }
  sendJson(res, 200, publicWidget(widget));
}

/**
 * `GET /api/agent/widgets`: the agent's tenant's widget configurations. Every agent of the tenant
 * may read them (the embed code); only a tenant admin may create, change or delete them
 * (`403 admin_required`). @type {import('./index.js').Handler}
 */
export async function listWidgets(ctx) {
  const { agent } = await requireAgent(ctx);
  const widgets = await ctx.deps.store.widgets.list(agent.tenantId);
  sendJson(ctx.res, 200, {
    widgets: widgets.map((w) => ({ ...publicWidget(w), allowedDomains: w.allowedDomains, active: w.active, version: w.version })),
  });
}

/** `POST /api/agent/widgets` (tenant admins): a new widget configuration; answers it with its id (`201`). @type {import('./index.js').Handler} */
export async function createWidget(ctx) {
  const { agent } = await requireAdmin(ctx);
  const input = parseWidgetInput(await readJson(ctx.req));
  const widget = await ctx.deps.store.widgets.create(agent.tenantId, { id: `w_${nanoid(16)}`, ...input });
  sendJson(ctx.res, 201, {
    ...publicWidget(widget),
    allowedDomains: widget.allowedDomains,
    active: widget.active,
    version: widget.version,
  });
}

/** `PUT /api/agent/widgets/:id` (tenant admins): replaces a widget configuration (takes effect on the next page load). @type {import('./index.js').Handler} */
export async function updateWidget(ctx) {
  const { agent } = await requireAdmin(ctx);
  const input = parseWidgetInput(await readJson(ctx.req));
  const widget = await ctx.deps.store.widgets.update(agent.tenantId, ctx.params.id, input);
  if (!widget) throw notFound('No such widget in this tenant.');
  sendJson(ctx.res, 200, {
    ...publicWidget(widget),
    allowedDomains: widget.allowedDomains,
    active: widget.active,
    version: widget.version,
  });
}

/** `DELETE /api/agent/widgets/:id` (tenant admins): the widget shows nowhere after it (`unknown_widget`). @type {import('./index.js').Handler} */
export async function deleteWidget(ctx) {
  const { agent } = await requireAdmin(ctx);
  if (!(await ctx.deps.store.widgets.remove(agent.tenantId, ctx.params.id))) throw notFound('No such widget in this tenant.');
  sendJson(ctx.res, 204);
}
