import { isRecord, isString } from './guards.js';

/**
 * Error codes of protocol v1 that a server answers with (docs/protocol.md, Errors), over HTTP
 * (`{ error: { code, message } }`) and as WebSocket `error` frames, with the HTTP status each has
 * (used for errors that arrive as frames).
 */
const STATUS_OF_CODE = {
  bad_request: 400,
  unauthorized: 401,
  unknown_api_key: 401,
  unknown_tenant: 401,
  invalid_token: 401,
  token_expired: 401,
  invalid_identity: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  widget_inactive: 403,
  not_found: 404,
  unknown_widget: 404,
  method_not_allowed: 405,
  conversation_closed: 409,
  conflict: 409,
  already_assigned: 409,
  assistant_disabled: 409,
  not_closed: 409,
  payload_too_large: 413,
  quota_exceeded: 413,
  unsupported_type: 415,
  rate_limited: 429,
  internal: 500,
  mail_failed: 502,
} as const;

/** A code of the protocol's error table. */
export type ProtocolErrorCode = keyof typeof STATUS_OF_CODE;

/**
 * Codes that say this page's embed is refused (a wrong key, tenant or widget id, an origin the
 * tenant does not allow, a widget switched off): asking again cannot help until the site owner
 * changes something, so the widget stops and says the chat is not available (docs/protocol.md).
 */
const REFUSED: ReadonlySet<ChatErrorCode> = new Set([
  'unauthorized',
  'unknown_api_key',
  'unknown_tenant',
  'unknown_widget',
  'widget_inactive',
  'origin_not_allowed',
]);

/** The codes of the protocol's error table. */
export const PROTOCOL_ERROR_CODES = Object.keys(STATUS_OF_CODE) as readonly ProtocolErrorCode[];

/**
 * Codes the widget gives failures that got no protocol answer: `network` (no answer),
 * `timeout` (no ack in time), `connection_lost` (the socket dropped before the ack), `stopped`
 * (the chat closed first), `bad_response` (an answer that breaks the protocol), `http_error` (an
 * error status without a known code), `not_connected` (the element is not in the document).
 */
export type ClientErrorCode = 'network' | 'timeout' | 'connection_lost' | 'stopped' | 'bad_response' | 'http_error' | 'not_connected';

/** Every code an `amoiq-error` event, an {@link ApiError} or a {@link ChatSendError} can carry. */
export type ChatErrorCode = ProtocolErrorCode | ClientErrorCode;

/** True for a code of the protocol's table. */
export const isProtocolErrorCode = (v: unknown): v is ProtocolErrorCode => isString(v) && Object.hasOwn(STATUS_OF_CODE, v);

/**
 * A call of the chat protocol that failed: an error answer, an error frame for a sent message, or
 * no answer at all (`status` 0).
 */
export class ApiError extends Error {
  /** HTTP status, or 0 when the request never got an answer. */
  readonly status: number;
  /** Protocol error code (`bad_request`, `token_expired`, …) or a client one (`network`, `bad_response`, …). */
  readonly code: ChatErrorCode;
  /** Seconds the server asked to wait (429), when given. */
  readonly retryAfter?: number;

  constructor(status: number, code: ChatErrorCode, message: string, retryAfter?: number) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
  }

  /** The error of a WebSocket `error` frame, with the HTTP status its code has. */
  static fromFrame(frame: { code: ProtocolErrorCode; message: string; retryAfter?: number }): ApiError {
    return new ApiError(STATUS_OF_CODE[frame.code], frame.code, frame.message, frame.retryAfter);
  }

  /** True when sending the same request again cannot succeed (a 4xx other than auth and rate limits). */
  get isPermanent(): boolean {
    return this.status >= 400 && this.status < 500 && !this.isAuth && this.status !== 429 && this.status !== 408;
  }

  /** True when the server refuses this page's embed itself (see {@link REFUSED}): no retry can help. */
  get isRefused(): boolean {
    return REFUSED.has(this.code);
  }

  /** True when the session token must be renewed. */
  get isAuth(): boolean {
    return this.status === 401 && (this.code === 'token_expired' || this.code === 'invalid_token');
  }
}

/**
 * Reads the `{ error: { code, message } }` body of a failed answer, tolerating anything else. A
 * code the protocol does not list becomes `http_error` (its message is kept).
 */
export function decodeErrorBody(v: unknown): { code: ChatErrorCode; message: string } | undefined {
  if (!isRecord(v) || !isRecord(v.error)) return undefined;
  const { code, message } = v.error;
  if (!isString(code)) return undefined;
  return { code: isProtocolErrorCode(code) ? code : 'http_error', message: isString(message) ? message : code };
}

/**
 * The {@link ApiError} of an HTTP error answer (fetch and XMLHttpRequest alike): its status, the
 * decoded body, and the seconds of a `Retry-After` header.
 */
export function errorFromAnswer(status: number, body: unknown, retryAfterHeader: string | null): ApiError {
  const error = decodeErrorBody(body);
  const retryAfter = Number(retryAfterHeader) || undefined;
  return new ApiError(status, error?.code ?? 'http_error', error?.message ?? `HTTP ${status}`, retryAfter);
}

/** Why {@link ChatSendError} refused a message. */
export type ChatSendErrorCode = Extract<ChatErrorCode, 'bad_request' | 'payload_too_large'>;

/**
 * `ChatService.send()` refused a message before queueing it: `bad_request` (no text and no
 * attachment, or too many attachments) or `payload_too_large` (text longer than the protocol
 * allows). A RangeError, so callers that catch those keep working.
 */
export class ChatSendError extends RangeError {
  readonly code: ChatSendErrorCode;

  constructor(code: ChatSendErrorCode, message: string) {
    super(message);
    this.name = 'ChatSendError';
    this.code = code;
  }
}
