// @ts-check
/**
 * The one interface every assistant provider implements, its typed error, and the pieces the two
 * network providers share: a watchdog (first-token and idle timeouts, the caller's AbortSignal)
 * and an SSE reader over a fetch body.
 *
 * A provider's `stream()` yields zero or more `delta` and `sources` events and then exactly one
 * `done`, or throws a {@link ProviderError}. It never hangs: the watchdog ends a request that
 * produces no first token within `firstTokenMs`, or no data for `idleMs` after that, and the
 * caller's signal (the visitor's Stop button) ends it at once. Ending a stream early (`break` in a
 * `for await`) releases the connection.
 */
import { createParser } from 'eventsource-parser';

/**
 * @typedef {{ role: 'user' | 'assistant', content: string }} ChatTurn
 * @typedef {{ title: string, url: string }} Source
 * @typedef {{ system?: string, messages: ChatTurn[], signal?: AbortSignal }} StreamRequest
 * @typedef {'stop' | 'length' | 'filtered' | 'no_match' | 'other'} FinishReason
 *   `filtered`: the provider refused or cut the answer for safety; `no_match`: the knowledge base
 *   found nothing good enough (no text was streamed); `other`: anything else the provider reported.
 * @typedef {{ type: 'delta', text: string }
 *   | { type: 'sources', sources: Source[] }
 *   | { type: 'done', finishReason: FinishReason, confidence?: number }} StreamEvent
 *   `confidence` (0–1) only from providers that can judge their own answer (the knowledge base).
 * @typedef {{ name: string, model?: string, stream(request: StreamRequest): AsyncIterable<StreamEvent> }} Provider
 * @typedef {{ firstTokenMs?: number, idleMs?: number, answerMs?: number }} Timeouts
 *   `answerMs`: the whole answer's deadline, from the request to its last token (a provider that
 *   trickles one token per idle timeout cannot keep a stream open forever).
 */

/** Default timeouts: a model may think a while before its first token, but not forever. */
export const DEFAULT_TIMEOUTS = Object.freeze({ firstTokenMs: 20_000, idleMs: 20_000, answerMs: 120_000 });

/**
 * @typedef {'unauthorized' | 'rate_limited' | 'bad_request' | 'server_error' | 'stream_cut'
 *   | 'malformed' | 'timeout' | 'aborted'} ProviderErrorCode
 *   `bad_request`: the provider refused the request itself (unknown model, invalid field): a
 *   configuration problem, not worth retrying.
 */

/** Codes worth retrying later (the others need a change of configuration or were asked for). */
const RETRYABLE = new Set(['rate_limited', 'server_error', 'stream_cut', 'timeout']);

/** What a secret is replaced with in provider messages. */
const REDACTED = '[redacted]';

/**
 * Key-looking parts of a text: an `Authorization` header or a `Bearer` value, an
 * `x-goog-api-key` header or a `key=` parameter, OpenAI-style (`sk-…`) and Google (`AIza…`) keys
 * (also masked ones, `sk-abc1*****wxyz`), and any other run of 32 or more letters, digits, `-`
 * and `_` with both letters and digits in it. A masked key (`sk-proj-Ab…wxyz`, `sk-abc1****wxyz`) goes whole.
 */
const KEY_PATTERNS = [
  /\b(authorization\s*[:=]\s*)(?:(?:bearer|basic|token)\s+)?[^\s"',;]+/gi,
  /\b(bearer\s+)[^\s"',;]+/gi,
  /\b(x-goog-api-key\s*[:=]\s*)[^\s"',;]+/gi,
  /([?&](?:api_?)?key=)[^&\s"',;]+/gi,
  /()\bsk-[A-Za-z0-9_-]{2,}(?:[*…•.]+[A-Za-z0-9_-]*)*/g,
  /()\bAIza[0-9A-Za-z_-]{10,}/g,
];

/**
 * A provider's text without secrets: each configured key (whole, and the first and last 8
 * characters of a long one, which providers echo in masked keys) and every key-looking token
 * ({@link KEY_PATTERNS}) become `[redacted]`. Every message a {@link ProviderError} carries goes
 * through this before anything logs or stores it.
 * @param {string} text
 * @param {readonly (string | undefined)[]} [secrets] the configured keys
 */
export function redactSecrets(text, secrets = []) {
  let out = String(text);
  const keys = secrets.map((secret) => secret?.trim() ?? '').filter((key) => key.length >= 4);
  for (const key of keys) out = out.split(key).join(REDACTED);
  for (const pattern of KEY_PATTERNS) out = out.replace(pattern, (_m, prefix) => `${prefix}${REDACTED}`);
  for (const key of keys) {
    if (key.length >= 20) out = out.split(key.slice(0, 8)).join(REDACTED).split(key.slice(-8)).join(REDACTED);
  }
  return out.replace(/[A-Za-z0-9_-]{32,}/g, (token) => (/[A-Za-z]/.test(token) && /\d/.test(token) ? REDACTED : token));
}

/**
 * A provider failure, normalized: the same codes whatever the provider said. `message` is for
 * logs and developers: it never contains a key (key-looking tokens are redacted here, the
 * configured keys by {@link watchedProvider} and the adapters; {@link redactSecrets}); visitors
 * get a polite text instead (handoff.js).
 */
export class ProviderError extends Error {
  /**
   * @param {ProviderErrorCode} code
   * @param {string} message
   * @param {{ provider?: string, status?: number, retryAfter?: number, cause?: unknown, secrets?: readonly (string | undefined)[] }} [details]
   *   `retryAfter` in seconds, with `rate_limited` when the provider said how long to wait;
   *   `secrets`: the configured keys, removed from `message`.
   */
  constructor(code, message, details = {}) {
    super(redactSecrets(message, details.secrets), details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'ProviderError';
    /** @type {ProviderErrorCode} */
    this.code = code;
    this.provider = details.provider;
    this.status = details.status;
    this.retryAfter = details.retryAfter;
  }

  /** Whether the same request may succeed later. */
  get retryable() {
    return RETRYABLE.has(this.code);
  }
}

/**
 * The Retry-After header in seconds: a number of seconds or an HTTP date (RFC 9110).
 * @param {string | null} value
 * @param {number} [now] ms since the epoch
 * @returns {number | undefined}
 */
export function parseRetryAfter(value, now = Date.now()) {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/**
 * Ends a provider request that takes too long, and follows the caller's AbortSignal. The network
 * providers pass `signal` to fetch and await every network step through `race()`.
 *
 * Until the first token the deadline is `firstTokenMs` after the start; after it, `idleMs` after
 * the last data. Providers call `token()` / `alive()` after the consumer has taken the event, so a
 * slow consumer never causes a timeout. SSE comments (the keep-alives some proxies send) do not
 * move the deadline: a model that never answers must still time out.
 */
export class Watchdog {
  /**
   * @param {{ provider: string, signal?: AbortSignal, now?: () => number } & Timeouts} options
   */
  constructor({
    provider,
    signal,
    firstTokenMs = DEFAULT_TIMEOUTS.firstTokenMs,
    idleMs = DEFAULT_TIMEOUTS.idleMs,
    answerMs = DEFAULT_TIMEOUTS.answerMs,
    now = Date.now,
  }) {
    this.provider = provider;
    this.firstTokenMs = firstTokenMs;
    this.idleMs = idleMs;
    this.answerMs = answerMs;
    /** @private */
    this.now = now;
    /** @private The whole answer's deadline. */
    this.end = now() + answerMs;
    /** @private */
    this.callerSignal = signal;
    /** @private */
    this.controller = new AbortController();
    /** The signal to hand to fetch: aborted on timeout, on the caller's abort and on dispose. */
    this.signal = this.controller.signal;
    /** @private */
    this.deadline = now() + firstTokenMs;
    /** @private */
    this.gotToken = false;
    /** @private @type {ProviderError | undefined} */
    this.timeoutError = undefined;
    /** @private */
    this.onCallerAbort = () => this.controller.abort(signal?.reason);
    if (signal?.aborted) this.controller.abort(signal.reason);
    else signal?.addEventListener('abort', this.onCallerAbort, { once: true });
    /** @private Rejects when the request is aborted for any reason; handled, so never unhandled. */
    this.abortedPromise = new Promise((_, reject) => {
      const fail = () => reject(this.normalize(this.signal.reason, 'read'));
      if (this.signal.aborted) fail();
      else this.signal.addEventListener('abort', fail, { once: true });
    });
    this.abortedPromise.catch(() => {});
  }

  /** The first token arrived (or another one did): the idle clock starts now. */
  token() {
    this.gotToken = true;
    this.deadline = this.now() + this.idleMs;
  }

  /** Data other than a token arrived (a role chunk, usage): counts as life after the first token. */
  alive() {
    if (this.gotToken) this.deadline = this.now() + this.idleMs;
  }

  /**
   * Awaits one network step, or throws the normalized error when the deadline passes, the caller
   * aborts or the step fails. `phase` tells a failure to connect from a stream cut mid-answer.
   * @template T
   * @param {Promise<T>} promise
   * @param {'connect' | 'read'} phase
   * @returns {Promise<T>}
   */
  async race(promise, phase) {
    promise.catch(() => {});
    /** @type {ReturnType<typeof setTimeout> | undefined} */
    let timer;
    const timeout = new Promise((_, reject) => {
      const overall = this.end <= this.deadline;
      const ms = Math.max(0, Math.min(this.deadline, this.end) - this.now());
      timer = setTimeout(() => {
        this.timeoutError = new ProviderError(
          'timeout',
          overall
            ? `${this.provider}: the answer took longer than ${this.answerMs} ms.`
            : this.gotToken
              ? `${this.provider}: no data for ${this.idleMs} ms in the middle of the answer.`
              : `${this.provider}: no first token within ${this.firstTokenMs} ms.`,
          { provider: this.provider },
        );
        this.controller.abort(this.timeoutError);
        reject(this.timeoutError);
      }, ms);
    });
    try {
      return await Promise.race([promise, timeout, this.abortedPromise]);
    } catch (error) {
      throw this.normalize(error, phase);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Any failure as a ProviderError: the caller's abort wins, then a timeout, then the error itself.
   * @param {unknown} error
   * @param {'connect' | 'read'} phase
   * @returns {ProviderError}
   */
  normalize(error, phase) {
    const details = { provider: this.provider, cause: error };
    if (this.callerSignal?.aborted) return new ProviderError('aborted', `${this.provider}: stopped by the caller.`, details);
    if (this.timeoutError) return this.timeoutError;
    if (error instanceof ProviderError) return error;
    const reason = describeNetworkError(error);
    return phase === 'connect'
      ? new ProviderError('server_error', `${this.provider}: could not reach the provider (${reason}).`, details)
      : new ProviderError('stream_cut', `${this.provider}: the connection closed in the middle of the answer (${reason}).`, details);
  }

  /** Releases the timers and listeners, and aborts the request if it is still running. */
  dispose() {
    this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
    if (!this.signal.aborted) this.controller.abort(new ProviderError('aborted', `${this.provider}: stream closed.`));
  }
}

/**
 * A network provider: each `stream()` runs `run` under a {@link Watchdog} of its own (the
 * deadlines in `timeouts`, the caller's signal), disposed when the stream ends, fails, or its
 * consumer stops early (which also releases the connection). Every error it throws is a
 * {@link ProviderError} whose message has the configured keys (`secrets`) removed.
 * @param {{ name: string, model: string, timeouts: Timeouts, secrets?: readonly (string | undefined)[],
 *   run: (request: StreamRequest, watchdog: Watchdog) => AsyncGenerator<StreamEvent> }} options
 * @returns {Provider}
 */
export function watchedProvider({ name, model, timeouts, secrets = [], run }) {
  return {
    name,
    model,
    async *stream(request) {
      const watchdog = new Watchdog({
        provider: name,
        signal: request.signal,
        firstTokenMs: timeouts.firstTokenMs,
        idleMs: timeouts.idleMs,
        answerMs: timeouts.answerMs,
      });
      try {
        yield* run(request, watchdog);
      } catch (error) {
        if (error instanceof ProviderError) error.message = redactSecrets(error.message, secrets);
        throw error;
      } finally {
        watchdog.dispose();
      }
    },
  };
}

/** @param {unknown} error */
function describeNetworkError(error) {
  const cause = /** @type {{ cause?: { code?: string, message?: string } }} */ (error)?.cause;
  if (cause?.code) return cause.code;
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}

/**
 * POSTs a JSON body and returns the response when it is 2xx; any other status becomes the
 * provider's error through `toError` (given the status, headers and up to 64 KiB of body text).
 * @param {{ url: string, headers: Record<string, string>, body: unknown, watchdog: Watchdog,
 *   fetch?: typeof fetch,
 *   toError: (status: number, headers: Headers, text: string) => ProviderError }} options
 * @returns {Promise<Response>}
 */
export async function postForStream({ url, headers, body, watchdog, fetch: fetchImpl = fetch, toError }) {
  const response = await watchdog.race(
    fetchImpl(url, { method: 'POST', headers, body: JSON.stringify(body), signal: watchdog.signal }),
    'connect',
  );
  if (response.ok && response.body) return response;
  const text = response.body ? await watchdog.race(readLimited(response.body, 64 * 1024), 'connect') : '';
  throw toError(response.status, response.headers, text);
}

/**
 * Whether a 2xx answer is the event stream asked for (`text/event-stream`). A server that
 * ignores `stream: true` answers one whole JSON body instead; a proxy may answer an HTML page.
 * @param {Response} response
 */
export function isEventStream(response) {
  return /^\s*text\/event-stream\b/i.test(response.headers.get('content-type') ?? '');
}

/**
 * A 2xx answer that is not an event stream: its JSON body (at most 1 MiB), or a `malformed`
 * error (HTML, plain text, anything not a JSON object or array).
 * @param {Response} response
 * @param {Watchdog} watchdog
 * @param {string} provider
 * @returns {Promise<unknown>}
 */
export async function readWholeJson(response, watchdog, provider) {
  const text = response.body ? await watchdog.race(readLimited(response.body, 1024 * 1024), 'read') : '';
  try {
    const value = JSON.parse(text);
    if (value && typeof value === 'object') return value;
  } catch {
    // below
  }
  throw new ProviderError(
    'malformed',
    `${provider}: the answer is neither an event stream nor JSON (${response.headers.get('content-type') ?? 'no Content-Type'}): ${text.slice(0, 120)}`,
    { provider },
  );
}

/**
 * Reads at most `limit` bytes of a body as text, then cancels the rest.
 * @param {ReadableStream<Uint8Array>} body
 * @param {number} limit
 */
async function readLimited(body, limit) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
      if (bytes >= limit) break;
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  return text + decoder.decode();
}

/**
 * @typedef {{ type: 'event', event?: string, data: string } | { type: 'field', field: string, value: string }} SseItem
 *   `field`: a line with a field name SSE does not know (ignored by the spec; llama.cpp sends its
 *   streaming errors as `error: {json}`, so providers may look at it).
 */

/**
 * The SSE events of a response body, parsed by eventsource-parser (spec-exact: CRLF/LF/CR line
 * ends, comments, multi-line data, events split anywhere across network chunks). Bytes are
 * decoded with one streaming TextDecoder, so a multi-byte character split between chunks stays
 * whole. An event without its terminating blank line at the end of the body is dropped, as the
 * spec says (the provider then sees no terminal event and reports a cut).
 * @param {ReadableStream<Uint8Array>} body
 * @param {Watchdog} watchdog
 * @returns {AsyncGenerator<SseItem>}
 */
export async function* readSse(body, watchdog) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  /** @type {SseItem[]} */
  const queue = [];
  const parser = createParser({
    onEvent: (event) => queue.push({ type: 'event', event: event.event, data: event.data }),
    onError: (error) => {
      if (error.type === 'unknown-field' && error.field) queue.push({ type: 'field', field: error.field, value: error.value ?? '' });
    },
  });
  let finished = false;
  let tail = '';
  try {
    for (;;) {
      const { done, value } = await watchdog.race(reader.read(), 'read');
      if (done) break;
      const text = decoder.decode(value, { stream: true });
      if (text) tail = text;
      parser.feed(text);
      while (queue.length > 0) yield /** @type {SseItem} */ (queue.shift());
    }
    finished = true;
    const rest = decoder.decode();
    if (rest) tail = rest;
    parser.feed(rest);
    // A last event whose final line ended but whose blank line never came: dispatch it (lenient
    // with servers that omit the final blank line); a line cut in the middle stays dropped.
    if (/[\r\n]$/.test(tail)) parser.feed('\n');
    while (queue.length > 0) yield /** @type {SseItem} */ (queue.shift());
  } finally {
    if (!finished) reader.cancel().catch(() => {});
  }
}

/**
 * Parses one event's JSON data; anything else is a `malformed` error naming the provider.
 * @param {string} data
 * @param {string} provider
 * @returns {Record<string, unknown>}
 */
export function parseJsonEvent(data, provider) {
  /** @type {unknown} */
  let value;
  try {
    value = JSON.parse(data);
  } catch (error) {
    throw new ProviderError('malformed', `${provider}: an event is not JSON: ${data.slice(0, 120)}`, { provider, cause: error });
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new ProviderError('malformed', `${provider}: an event is not a JSON object: ${data.slice(0, 120)}`, { provider });
  }
  return /** @type {Record<string, unknown>} */ (value);
}

/**
 * The provider error for an HTTP status, given what the error body said. The message is cleaned
 * of `secrets` (the configured keys) and key-looking tokens before it is cut to 300 characters.
 * @param {{ provider: string, status: number, message: string, retryAfter?: number, secrets?: readonly (string | undefined)[] }} details
 */
export function errorForStatus({ provider, status, message, retryAfter, secrets }) {
  const clean = message ? redactSecrets(message, secrets) : '';
  const text = `${provider}: HTTP ${status}${clean ? `: ${clean.slice(0, 300)}` : ''}`;
  /** @type {ProviderErrorCode} */
  let code = 'server_error';
  if (status === 401 || status === 403) code = 'unauthorized';
  else if (status === 429) code = 'rate_limited';
  // 408: the provider's server gave up waiting (for the request or upstream); like a 5xx it is
  // worth retrying and no configuration problem. `timeout` is this backend's own deadlines only.
  else if (status === 408) code = 'server_error';
  else if (status >= 400 && status < 500) code = 'bad_request';
  return new ProviderError(code, text, { provider, status, retryAfter: code === 'rate_limited' ? retryAfter : undefined, secrets });
}
