// @ts-check
/**
 * The error type of the reference backend: what a request or a frame failed with, as the protocol
 * answers it (docs/protocol.md, Errors): an HTTP status, a code and a message, and for `429` the
 * seconds to wait (`Retry-After`, or `retryAfter` in an `error` frame). Thrown by validation, the
 * chat rules and the HTTP and WebSocket layers; never by storage, which returns results instead.
 */

/**
 * The codes of the protocol's error table (src/protocol/errors.ts), which the widget decodes.
 * @typedef {import('../../src/protocol/errors.js').ProtocolErrorCode} ErrorCode
 */

/** An error the protocol defines: HTTP status plus `{ error: { code, message } }`. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {ErrorCode | string} code a code of the error table ({@link ErrorCode}); the voice
   *   module adds its own
   * @param {string} message
   * @param {{ retryAfter?: number }} [options] `retryAfter`: seconds to wait before trying again
   *   (a `429` without one says 1)
   */
  constructor(status, code, message, { retryAfter } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    /** @type {number | undefined} */
    this.retryAfter = retryAfter;
  }
}

/** @param {string} message */
export const badRequest = (message) => new ApiError(400, 'bad_request', message);

/** @param {string} [message] */
export const notFound = (message = 'Not found.') => new ApiError(404, 'not_found', message);

/** @param {string} message */
export const forbidden = (message) => new ApiError(403, 'forbidden', message);

/**
 * `429 rate_limited`, telling the client when to try again.
 * @param {string} message
 * @param {number} retryAfter seconds
 */
export const rateLimited = (message, retryAfter) => new ApiError(429, 'rate_limited', message, { retryAfter });

/** `409 conversation_closed`: a visitor wrote (or uploaded) into a closed conversation. */
export const conversationClosed = () =>
  new ApiError(409, 'conversation_closed', 'The conversation is closed; start a new one (`newConversation: true`).');

/**
 * The seconds a `429` tells the client to wait (1 when the error does not say).
 * @param {ApiError} error
 */
export function retryAfterOf(error) {
  return typeof error.retryAfter === 'number' ? error.retryAfter : 1;
}
