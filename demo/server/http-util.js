// @ts-check
/**
 * Small HTTP helpers: the protocol's error type and body, JSON in and out, CORS, and parsing of
 * the fields every endpoint shares.
 */

/** Largest accepted request body (protocol: 64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;
/** Longest accepted message text, in characters (Unicode code points), after trimming. */
export const MAX_TEXT_CHARS = 4000;
/** Pattern for client-generated ids (clientId, visitorId). */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

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
 * Adds CORS headers that reflect the requesting origin. Returns true when the request was a
 * preflight and has been answered.
 * @param {import('node:http').IncomingMessage} req
 * @param {import('node:http').ServerResponse} res
 */
export function handleCors(req, res) {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Vary', 'Origin');
    res.setHeader('Access-Control-Expose-Headers', 'Retry-After');
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Authorization, Content-Type, X-Amoiq-Session',
    'Access-Control-Max-Age': '600',
  });
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
  let value;
  try {
    value = JSON.parse(raw || 'null');
  } catch {
    throw badRequest('Body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('Body must be a JSON object.');
  return value;
}

/**
 * Validates message text: a string of 1–4000 characters after trimming. Returns the trimmed text.
 * @param {unknown} text
 * @throws {ApiError} 400 or 413
 */
export function parseText(text) {
  if (typeof text !== 'string') throw badRequest('`text` must be a string.');
  const trimmed = text.trim();
  if (!trimmed) throw badRequest('`text` is empty.');
  // Code points, not UTF-16 units, so an emoji counts as one character.
  let count = 0;
  for (const _ of trimmed) if (++count > MAX_TEXT_CHARS) break;
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
