// @ts-check
/**
 * Small HTTP helpers: the protocol's error type and body, JSON in and out, CORS, and parsing of
 * the fields every endpoint shares.
 */

import {
  CLIENT_ID_PATTERN,
  MAX_ATTACHMENTS,
  MAX_BODY_BYTES,
  MAX_MESSAGE_LENGTH,
  MAX_QUICK_REPLIES,
  MAX_QUICK_REPLY_LENGTH,
  textLength,
} from '../../src/protocol/limits.js';

// The protocol's limits are written once, in src/protocol/limits.js, which the widget and the
// agent console import too: largest request body (64 KiB), pattern of client-made ids, most
// attachments and quick replies per message.
export { CLIENT_ID_PATTERN, MAX_ATTACHMENTS, MAX_BODY_BYTES, MAX_QUICK_REPLIES };
/** Longest accepted message text, in characters (Unicode code points), after trimming. */
export const MAX_TEXT_CHARS = MAX_MESSAGE_LENGTH;
/** Longest quick reply, in characters (code points). */
export const MAX_QUICK_REPLY_CHARS = MAX_QUICK_REPLY_LENGTH;

/** An error the protocol defines: HTTP status plus `{ error: { code, message } }`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   */
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** @param {string} message */
export const badRequest = (message) => new ApiError(400, 'bad_request', message);
/** @param {string} [message] */
export const notFound = (message = 'Not found.') => new ApiError(404, 'not_found', message);

/**
 * Writes a JSON response (or an empty one for 204).
 * @param {import('node:http').ServerResponse} res
 * @param {number} status
 * @param {unknown} [body]
 */
export function sendJson(res, status, body) {
  if (res.headersSent || res.destroyed) return;
  if (status === 204 || body === undefined) {
    res.writeHead(status).end();
    return;
  }
  const json = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Cache-Control': 'no-store' });
  res.end(json);
}

/**
 * Answers with the protocol error body; anything that is not an ApiError becomes `500 internal`.
 * @param {import('node:http').ServerResponse} res
 * @param {unknown} error
 */
export function sendError(res, error) {
  const apiError = error instanceof ApiError ? error : new ApiError(500, 'internal', 'Internal server error.');
  if (apiError.status === 429 && !res.headersSent) {
    const retryAfter = /** @type {{ retryAfter?: unknown }} */ (apiError).retryAfter;
    res.setHeader('Retry-After', String(typeof retryAfter === 'number' ? retryAfter : 1));
  }
  sendJson(res, apiError.status, { error: { code: apiError.code, message: apiError.message } });
}

/**
 * Who may read an answer from another origin (docs/security.md, "CORS"):
 * - `visitor`: the visitor API (`/api/chat/…`) and file URLs (`/files/…`), used by the widget on
 *   the tenants' sites: the requesting origin is reflected, and every visitor request is checked
 *   against its tenant's allowed origins (`403 origin_not_allowed`) before anything happens;
 * - `public`: the drop-in script and its chunks (`/amoiq-chat.js`, `/chunks/…`), which pages on
 *   other origins load with `<script>` and `import()` (a CORS request): `*`, no credentials;
 * - `console`: the agent API and the rest of `/api/`: only the origins listed in
 *   `AGENT_CONSOLE_ORIGINS` (none by default; the console is served from this origin);
 * - null: everything else (the agent console, the demo page, unknown paths): no CORS headers.
 * @param {string} pathname
 * @returns {'visitor' | 'public' | 'console' | null}
 */
export function corsKind(pathname) {
  if (pathname.startsWith('/api/chat/') || pathname.startsWith('/files/')) return 'visitor';
  if (pathname === '/amoiq-chat.js' || pathname === '/amoiq-chat.js.map' || pathname.startsWith('/chunks/')) return 'public';
  if (pathname.startsWith('/api/')) return 'console';
  return null;
}

/**
 * Adds the CORS headers {@link corsKind} allows for this path and origin. Returns true when the
 * request was a preflight (`OPTIONS`) and has been answered (204; without CORS headers where
 * cross-origin use is not meant, so the browser refuses the real request).
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 * @param {string} pathname
 * @param {readonly string[]} [consoleOrigins] exact origins that may use the agent API
 */
export function handleCors(req, res, pathname, consoleOrigins = []) {
  const origin = req.headers.origin;
  const kind = corsKind(pathname);
  let allowed = false;
  if (kind === 'public') {
    res.setHeader('Access-Control-Allow-Origin', '*');
    allowed = true;
  } else if (kind === 'visitor' || kind === 'console') {
    // The answer depends on Origin: caches must keep them apart.
    res.setHeader('Vary', 'Origin');
    if (origin && (kind === 'visitor' || consoleOrigins.includes(origin))) {
      res.setHeader('Access-Control-Allow-Origin', origin);
      res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
      allowed = true;
    }
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(
    204,
    allowed
      ? {
          'Access-Control-Allow-Methods': kind === 'public' ? 'GET, HEAD' : 'GET, POST, OPTIONS',
          'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Amoiq-Session',
          'Access-Control-Max-Age': '600',
        }
      : {},
  );
  res.end();
  return true;
}

/**
 * Reads and parses a JSON object body. Oversized bodies are drained (so the client sees the 413
 * instead of a reset connection) and rejected.
 * @param {import('node:http').IncomingMessage} req
 * @param {{ allowEmpty?: boolean }} [options] `allowEmpty`: an empty body reads as `{}`
 * @returns {Promise<Record<string, unknown>>}
 * @throws {ApiError} 413 when over {@link MAX_BODY_BYTES}, 400 when not a JSON object
 */
export async function readJson(req, { allowEmpty = false } = {}) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    // Past 1 MiB we stop being polite and drop the connection.
    if (size > 16 * MAX_BODY_BYTES) {
      req.destroy();
      break;
    }
    if (size <= MAX_BODY_BYTES) chunks.push(chunk);
  }
  if (size > MAX_BODY_BYTES) throw new ApiError(413, 'payload_too_large', 'Request body is larger than 64 KiB.');
  const raw = Buffer.concat(chunks).toString('utf8');
  if (allowEmpty && raw.trim() === '') return {};
  return parseJsonObject(raw, 'Body');
}

/** Deepest nesting of arrays and objects accepted in a JSON body or frame. */
export const MAX_JSON_DEPTH = 32;

/**
 * Parses a JSON object (a request body or a WebSocket frame), refusing anything nested deeper
 * than {@link MAX_JSON_DEPTH} before it is parsed: no protocol field nests that deep, and a
 * recursive walk over such a value (JSON.stringify, a validator) would overflow the stack.
 * @param {string} raw
 * @param {string} what names the input in the error ("Body", "Frame")
 * @returns {Record<string, any>}
 * @throws {ApiError} 400 `bad_request`
 */
export function parseJsonObject(raw, what) {
  if (jsonDepth(raw) > MAX_JSON_DEPTH) throw badRequest(`${what} nests arrays or objects more than ${MAX_JSON_DEPTH} levels deep.`);
  let value;
  try {
    value = JSON.parse(raw || 'null');
  } catch {
    throw badRequest(`${what} is not valid JSON.`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`${what} must be a JSON object.`);
  return value;
}

/**
 * The deepest nesting of `[` and `{` in a JSON text (outside strings), without parsing it.
 * @param {string} text
 */
export function jsonDepth(text) {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return deepest;
}

/**
 * Validates message text: a string of 1–4000 characters after trimming. Returns the trimmed text.
 * With `allowEmpty` (a message that carries attachments) the text may be empty or absent.
 * @param {unknown} text
 * @param {{ allowEmpty?: boolean }} [options]
 * @throws {ApiError} 400 or 413
 */
export function parseText(text, { allowEmpty = false } = {}) {
  if (allowEmpty && (text === undefined || text === null)) return '';
  if (typeof text !== 'string') throw badRequest('`text` must be a string.');
  if (text.includes('\0')) throw badRequest('`text` contains a NUL character.');
  const trimmed = text.trim();
  if (!trimmed && !allowEmpty) throw badRequest('`text` is empty.');
  // Code points, not UTF-16 units, so an emoji counts as one character (as the widget counts).
  const count = textLength(trimmed, MAX_TEXT_CHARS);
  if (count > MAX_TEXT_CHARS) throw new ApiError(413, 'payload_too_large', `Message text is longer than ${MAX_TEXT_CHARS} characters.`);
  return trimmed;
}

/**
 * Validates a client-generated id (8–64 characters of `[A-Za-z0-9_-]`).
 * @param {unknown} value
 * @param {string} field
 */
export function parseClientId(value, field = 'clientId') {
  if (typeof value !== 'string' || !CLIENT_ID_PATTERN.test(value)) {
    throw badRequest(`\`${field}\` must be 8–64 characters of A–Z, a–z, 0–9, _ or -.`);
  }
  return value;
}

/**
 * Parses an optional non-negative integer query parameter.
 * @param {URLSearchParams} query
 * @param {string} name
 * @param {{ min: number, max: number, fallback?: number }} range
 * @returns {number | undefined}
 */
export function intParam(query, name, { min, max, fallback }) {
  const raw = query.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw badRequest(`\`${name}\` must be an integer.`);
  const value = Number(raw);
  if (value < min || value > max) throw badRequest(`\`${name}\` must be between ${min} and ${max}.`);
  return value;
}

/**
 * Parses the paging parameters shared by the visitor and agent message lists.
 * @param {URLSearchParams} query
 */
export function pageParams(query) {
  const after = /** @type {number} */ (intParam(query, 'after', { min: 0, max: 2 ** 31 - 1, fallback: 0 }));
  const before = intParam(query, 'before', { min: 1, max: 2 ** 31 - 1 });
  const limit = /** @type {number} */ (intParam(query, 'limit', { min: 1, max: 200, fallback: 50 }));
  return { after, before, limit };
}

/**
 * Validates the optional `attachments` of a message: at most 5 distinct file ids.
 * @param {unknown} value
 * @returns {string[]}
 * @throws {ApiError} 400
 */
export function parseAttachmentIds(value) {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.length > MAX_ATTACHMENTS || !value.every((id) => typeof id === 'string' && /^f_[A-Za-z0-9_-]{8,64}$/.test(id))) {
    throw badRequest(`\`attachments\` must be an array of at most ${MAX_ATTACHMENTS} file ids.`);
  }
  if (new Set(value).size !== value.length) throw badRequest('`attachments` names a file twice.');
  return value;
}

/**
 * Validates the optional `quickReplies` of an agent message: at most 10 non-empty strings of at
 * most 200 characters. Returns them trimmed.
 * @param {unknown} value
 * @returns {string[] | undefined}
 * @throws {ApiError} 400
 */
export function parseQuickReplies(value) {
  if (value === undefined || value === null) return undefined;
  const fail = () => badRequest(`\`quickReplies\` must be an array of at most ${MAX_QUICK_REPLIES} non-empty strings of at most ${MAX_QUICK_REPLY_CHARS} characters.`);
  if (!Array.isArray(value) || value.length > MAX_QUICK_REPLIES) throw fail();
  return value.map((reply) => {
    if (typeof reply !== 'string' || !reply.trim() || reply.includes('\0') || [...reply.trim()].length > MAX_QUICK_REPLY_CHARS) throw fail();
    return reply.trim();
  });
}

const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;
const FIELD_KEY_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Validates the body of `POST /api/chat/contact` (docs/protocol.md, Contact details).
 * @param {Record<string, unknown>} body
 * @returns {import('./db.js').Contact}
 * @throws {ApiError} 400
 */
export function parseContact(body) {
  /** @type {import('./db.js').Contact} */
  const contact = {};
  // Types first, then the strings one by one: never a recursive walk over whatever was sent.
  // Postgres cannot store NUL in text or JSON.
  const nul = () => badRequest('Contact details contain a NUL character.');
  if (body.name !== undefined) {
    if (typeof body.name !== 'string' || [...body.name].length > 100) throw badRequest('`name` must be a string of at most 100 characters.');
    if (body.name.includes('\0')) throw nul();
    contact.name = body.name.trim();
  }
  if (body.email !== undefined) {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    if (email.length > 254 || !EMAIL_PATTERN.test(email)) throw badRequest('`email` must be an address like local@domain.tld (at most 254 characters).');
    if (email.includes('\0')) throw nul();
    contact.email = email;
  }
  if (body.fields !== undefined) {
    const fields = body.fields;
    if (!fields || typeof fields !== 'object' || Array.isArray(fields)) throw badRequest('`fields` must be an object.');
    const entries = Object.entries(fields);
    if (entries.length > 10) throw badRequest('`fields` has more than 10 entries.');
    for (const [key, value] of entries) {
      if (!FIELD_KEY_PATTERN.test(key)) throw badRequest('`fields` keys are at most 40 characters of A–Z, a–z, 0–9, _ or -.');
      if (typeof value !== 'string' || [...value].length > 500) throw badRequest('`fields` values are strings of at most 500 characters.');
      if (value.includes('\0')) throw nul();
    }
    // fromEntries defines own properties, so a key such as `__proto__` stays plain data.
    contact.fields = Object.fromEntries(entries);
  }
  return contact;
}
