// @ts-check
/**
 * The limits of protocol v1 (docs/protocol.md), written once for everyone who speaks it: the
 * widget (TypeScript, through `protocol/v1.ts`), the reference server (`demo/server/*.js`, plain
 * Node ESM, which cannot import TypeScript) and the agent console. Plain JavaScript with JSDoc
 * types, checked by TypeScript (`allowJs`), so every side imports the very same values.
 *
 * Lengths of text are counted in Unicode code points ({@link textLength}), never in UTF-16 units:
 * an emoji is one character on both sides.
 */

/**
 * The audio types a voice message is uploaded as (docs/protocol.md, "Voice messages"): what
 * `MediaRecorder` records in Chromium and Firefox (Opus in WebM), Safari (AAC in MP4), and Ogg.
 * A site that takes voice messages lists them among its attachment types; the reference server's
 * default list includes them.
 */
export const VOICE_NOTE_MIME_TYPES = Object.freeze(['audio/webm', 'audio/mp4', 'audio/ogg']);

/** The protocol version a client and a server speak (`protocol` in the session answer). */
export const PROTOCOL_VERSION = 1;

/** Longest message text, in code points, after trimming. */
export const MAX_MESSAGE_LENGTH = 4000;

/** Most attachments one message may carry. */
export const MAX_ATTACHMENTS = 5;

/** Most quick replies one message may carry. */
export const MAX_QUICK_REPLIES = 10;

/** Longest quick reply, in code points, after trimming. */
export const MAX_QUICK_REPLY_LENGTH = 200;

/** Largest JSON request body, and largest WebSocket frame, in bytes (64 KiB). */
export const MAX_BODY_BYTES = 64 * 1024;

/** Most messages one `GET /api/chat/messages` answers (`limit`). */
export const MAX_PAGE_SIZE = 200;

/** Client-made ids (`clientId`, `visitorId`): 8–64 characters of `A–Z a–z 0–9 _ -`. */
export const CLIENT_ID_PATTERN = /^[A-Za-z0-9_-]{8,64}$/;

/** The request header that carries the visitor's session token. */
export const SESSION_HEADER = 'X-Amoiq-Session';

/**
 * The length of `text` in Unicode code points, as the protocol counts it. Stops counting past
 * `stopAfter` (for a cheap "is it over the limit" on a long string).
 *
 * @param {string} text
 * @param {number} [stopAfter]
 * @returns {number}
 * @example
 * textLength('👋 hi'); // 4 (String#length says 5)
 */
export function textLength(text, stopAfter = Infinity) {
  let count = 0;
  for (const _ of text) if (++count > stopAfter) break;
  return count;
}
