// @ts-check
/**
 * Validation of what clients send, the same for HTTP bodies, query parameters and WebSocket
 * frames: each function takes an untrusted value and returns it checked (trimmed, typed) or
 * throws `400 bad_request` (`413 payload_too_large` for text over the limit). The limits are the
 * protocol module's own (src/protocol/limits.js), which the widget and the agent console import.
 */
import {
  CLIENT_ID_PATTERN,
  MAX_ATTACHMENTS,
  MAX_BODY_BYTES,
  MAX_MESSAGE_LENGTH,
  MAX_PAGE_SIZE,
  MAX_QUICK_REPLIES,
  MAX_QUICK_REPLY_LENGTH,
  textLength,
} from '../../src/protocol/limits.js';
import { checkVisitorContext } from '../../src/protocol/visitor-context.js';
import { ApiError, badRequest } from './errors.js';

/**
 * @typedef {import('./types.js').Contact} Contact
 * @typedef {import('./types.js').InboxFilter} InboxFilter
 */

// Largest request body (64 KiB), pattern of client-made ids, most attachments and quick replies
// per message: written once, in src/protocol/limits.js.
export { CLIENT_ID_PATTERN, MAX_ATTACHMENTS, MAX_BODY_BYTES, MAX_QUICK_REPLIES };
/** Longest accepted message text, in characters (Unicode code points), after trimming. */
export const MAX_TEXT_CHARS = MAX_MESSAGE_LENGTH;
/** Longest quick reply, in characters (code points). */
export const MAX_QUICK_REPLY_CHARS = MAX_QUICK_REPLY_LENGTH;
/** Deepest nesting of arrays and objects accepted in a JSON body or frame. */
export const MAX_JSON_DEPTH = 32;
/** Largest value of a Postgres `integer` (sequence numbers): anything past it names nothing. */
export const MAX_SEQ = 2 ** 31 - 1;
/** The agents' inbox filters (docs/protocol.md, Agent endpoints). */
export const INBOX_FILTERS = /** @type {const} */ (['all', 'open', 'waiting', 'mine', 'closed']);

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
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
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
 * @returns {{ after: number, before?: number, limit: number }}
 */
export function pageParams(query) {
  const after = /** @type {number} */ (intParam(query, 'after', { min: 0, max: MAX_SEQ, fallback: 0 }));
  const before = intParam(query, 'before', { min: 1, max: MAX_SEQ });
  const limit = /** @type {number} */ (intParam(query, 'limit', { min: 1, max: MAX_PAGE_SIZE, fallback: 50 }));
  return { after, before, limit };
}

/**
 * The `wait` of a long poll, in seconds (0–30; 0: answer at once).
 * @param {URLSearchParams} query
 */
export function waitParam(query) {
  return /** @type {number} */ (intParam(query, 'wait', { min: 0, max: 30, fallback: 0 }));
}

/**
 * A read mark: a non-negative integer, capped at {@link MAX_SEQ} (past `lastSeq` it is clamped
 * anyway; the cap keeps it inside Postgres' integer).
 * @param {unknown} seq
 * @throws {ApiError} 400
 */
export function parseSeq(seq) {
  if (!Number.isSafeInteger(seq) || /** @type {number} */ (seq) < 0) throw badRequest('`seq` must be a non-negative integer.');
  return Math.min(/** @type {number} */ (seq), MAX_SEQ);
}

/**
 * A required boolean field (`typing`).
 * @param {unknown} value
 * @param {string} field
 */
export function parseBoolean(value, field) {
  if (typeof value !== 'boolean') throw badRequest(`\`${field}\` must be a boolean.`);
  return value;
}

/**
 * Validates the optional `attachments` of a message: at most 5 distinct file ids.
 * @param {unknown} value
 * @returns {string[]}
 * @throws {ApiError} 400
 */
export function parseAttachmentIds(value) {
  if (value === undefined || value === null) return [];
  if (
    !Array.isArray(value) ||
    value.length > MAX_ATTACHMENTS ||
    !value.every((id) => typeof id === 'string' && /^f_[A-Za-z0-9_-]{8,64}$/.test(id))
  ) {
    throw badRequest(`\`attachments\` must be an array of at most ${MAX_ATTACHMENTS} file ids.`);
  }
  if (new Set(value).size !== value.length) throw badRequest('`attachments` names a file twice.');
  return value;
}

/**
 * The message fields shared by visitors and agents, HTTP and WebSocket: `clientId` first (so an
 * error about the text can still name the message), the attachment ids, and `text` (may be empty
 * when attachments are given).
 * @param {Record<string, unknown>} body
 */
export function parseMessageFields(body) {
  const clientId = parseClientId(body.clientId);
  const attachmentIds = parseAttachmentIds(body.attachments);
  const text = parseText(body.text, { allowEmpty: attachmentIds.length > 0 });
  return { clientId, text, attachmentIds };
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
  const fail = () =>
    badRequest(
      `\`quickReplies\` must be an array of at most ${MAX_QUICK_REPLIES} non-empty strings of at most ${MAX_QUICK_REPLY_CHARS} characters.`,
    );
  if (!Array.isArray(value) || value.length > MAX_QUICK_REPLIES) throw fail();
  return value.map((reply) => {
    if (typeof reply !== 'string' || !reply.trim() || reply.includes('\0') || [...reply.trim()].length > MAX_QUICK_REPLY_CHARS)
      throw fail();
    return reply.trim();
  });
}

/**
 * The fingerprint of a session request: 64 lowercase hex characters, or undefined.
 * @param {unknown} value
 */
export function parseFingerprint(value) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !/^[0-9a-f]{64}$/.test(value)) throw badRequest('`fingerprint` must be 64 lowercase hex characters.');
  return value;
}

/**
 * The inbox filter (`all` when absent).
 * @param {string | null} value
 * @returns {InboxFilter}
 */
export function parseInboxFilter(value) {
  const filter = value ?? 'all';
  const known = INBOX_FILTERS.find((f) => f === filter);
  if (!known) throw badRequest(`\`filter\` must be one of ${INBOX_FILTERS.join(', ')}.`);
  return known;
}

/** A Postgres timestamptz as `::text` prints it: the inbox cursor's position. */
const CURSOR_TIME = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?[+-]\d{2}(:\d{2})?$/;

/**
 * The inbox cursor as sent: base64url of `[activity, id]`.
 * @param {{ at: string, id: string }} position
 */
export function formatCursor(position) {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

/**
 * The inbox cursor (`nextCursor` of the previous page): base64url of `[activity, id]`.
 * @param {string | null} raw
 * @returns {{ at: string, id: string } | undefined}
 * @throws {ApiError} 400 for anything else
 */
export function parseCursor(raw) {
  if (raw === null || raw === '') return undefined;
  /** @type {unknown} */
  let value;
  try {
    value = raw.length <= 200 && /^[A-Za-z0-9_-]+$/.test(raw) ? JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) : undefined;
  } catch {
    value = undefined;
  }
  if (
    !Array.isArray(value) ||
    value.length !== 2 ||
    typeof value[0] !== 'string' ||
    typeof value[1] !== 'string' ||
    !CURSOR_TIME.test(value[0]) ||
    !/^[A-Za-z0-9_-]{1,64}$/.test(value[1])
  ) {
    throw badRequest('`cursor` must be the `nextCursor` of a previous page.');
  }
  return { at: value[0], id: value[1] };
}

/**
 * An e-mail address the server accepts anywhere (contact details, transcript e-mails): local@domain
 * with a dotted domain of non-empty labels, and none of the characters that mean something else
 * to a mail server (angle brackets, quotes, a literal `[IP]` domain, comments, lists, route syntax)
 * or whitespace. One pattern, so an address the contact form stored is never refused when the
 * transcript is e-mailed to it.
 */
export const EMAIL_PATTERN = /^[^\s@<>()",;:\\[\]]+@[^\s@.<>()",;:\\[\]]+(\.[^\s@.<>()",;:\\[\]]+)+$/;
const FIELD_KEY_PATTERN = /^[A-Za-z0-9_-]{1,40}$/;

/**
 * Validates the body of `POST /api/chat/contact` (docs/protocol.md, Contact details).
 * @param {Record<string, unknown>} body
 * @returns {Contact}
 * @throws {ApiError} 400
 */
export function parseContact(body) {
  /** @type {Contact} */
  const contact = {};
  // Types first, then the strings one by one: never a recursive walk over whatever was sent.
  // Postgres cannot store NUL in text or JSON.
  const nul = () => badRequest('Contact details contain a NUL character.');
  if (body.name !== undefined) {
    if (typeof body.name !== 'string' || [...body.name].length > 100)
      throw badRequest('`name` must be a string of at most 100 characters.');
    if (body.name.includes('\0')) throw nul();
    contact.name = body.name.trim();
  }
  if (body.email !== undefined) {
    const email = typeof body.email === 'string' ? body.email.trim() : '';
    if (email.length > 254 || !EMAIL_PATTERN.test(email))
      throw badRequest('`email` must be an address like local@domain.tld (at most 254 characters).');
    if (email.includes('\0')) throw nul();
    contact.email = email;
  }
  if (body.fields !== undefined) contact.fields = parseStringMap(body.fields, 'fields');
  return contact;
}

/**
 * A small object of strings a client attaches (contact `fields`, an escalation's `metadata`): at
 * most 10 entries, keys of at most 40 characters of `[A-Za-z0-9_-]`, string values of at most 500
 * characters without NUL (PostgreSQL cannot store it). Every error names the field, `name`.
 * @param {unknown} value
 * @param {string} name
 * @returns {Record<string, string>}
 * @throws {ApiError} 400 `bad_request`
 */
export function parseStringMap(value, name) {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest(`\`${name}\` must be an object of strings.`);
  const entries = Object.entries(value);
  if (entries.length > 10) throw badRequest(`\`${name}\` has more than 10 entries.`);
  for (const [key, entry] of entries) {
    if (!FIELD_KEY_PATTERN.test(key)) throw badRequest(`\`${name}\` keys are at most 40 characters of A–Z, a–z, 0–9, _ or -.`);
    if (typeof entry !== 'string' || [...entry].length > 500) throw badRequest(`\`${name}\` values are strings of at most 500 characters.`);
    if (entry.includes('\0')) throw badRequest(`\`${name}\` values must not contain NUL characters.`);
  }
  // fromEntries defines own properties, so a key such as `__proto__` stays plain data.
  return Object.fromEntries(entries);
}

/**
 * The session request's optional `context` (docs/protocol.md, Visitor context): page address
 * (reduced to origin and path), IANA time zone, BCP 47 language. Absent or null: undefined; an
 * object without fields: undefined too (nothing to record).
 * @param {unknown} value
 * @returns {import('../../src/protocol/visitor-context.js').VisitorContext | undefined}
 * @throws {ApiError} 400 `bad_request` naming the field
 */
export function parseVisitorContext(value) {
  if (value === undefined || value === null) return undefined;
  const checked = checkVisitorContext(value);
  if (!checked.ok) throw badRequest(checked.error);
  return Object.keys(checked.context).length ? checked.context : undefined;
}

/** Shortest and longest accepted search text, in characters after trimming. */
export const SEARCH_TEXT_LIMITS = Object.freeze({ min: 2, max: 200 });

/**
 * The agents' search text (`q`): trimmed, 2–200 characters, no NUL.
 * @param {string | null} raw
 * @returns {string}
 * @throws {ApiError} 400 `bad_request`
 */
export function parseSearchText(raw) {
  const text = (raw ?? '').trim();
  const length = textLength(text);
  if (length < SEARCH_TEXT_LIMITS.min || length > SEARCH_TEXT_LIMITS.max)
    throw badRequest(`\`q\` must be ${SEARCH_TEXT_LIMITS.min} to ${SEARCH_TEXT_LIMITS.max} characters.`);
  if (text.includes('\0')) throw badRequest('`q` must not contain NUL characters.');
  return text;
}
