// @ts-check
/**
 * Provider for Google Gemini (seed 002's model), through the Gemini API's streaming method.
 *
 * Wire format: `POST {base}/v1beta/models/{model}:streamGenerateContent?alt=sse` with the key in
 * the `x-goog-api-key` header and the body `{ contents: [{ role: 'user' | 'model', parts:
 * [{ text }] }], systemInstruction: { parts: [{ text }] }, generationConfig }`. The answer is SSE
 * whose every `data:` is a whole `GenerateContentResponse` (`candidates[0].content.parts[].text`,
 * `candidates[0].finishReason` on the last one, `promptFeedback.blockReason` when the prompt was
 * refused); there is no `[DONE]`: the body ends. Errors are an HTTP status with
 * `{ "error": { "code", "message", "status", "details" } }` (sometimes wrapped in an array).
 */
import {
  ProviderError,
  errorForStatus,
  redactSecrets,
  isEventStream,
  parseJsonEvent,
  parseRetryAfter,
  postForStream,
  readSse,
  readWholeJson,
  watchedProvider,
} from './provider.js';

const NAME = 'gemini';
export const GEMINI_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';
export const GEMINI_DEFAULT_MODEL = 'gemini-2.5-flash';

/**
 * @typedef {import('./provider.js').Provider} Provider
 * @typedef {import('./provider.js').StreamRequest} StreamRequest
 * @typedef {import('./provider.js').StreamEvent} StreamEvent
 * @typedef {import('./provider.js').FinishReason} FinishReason
 * @typedef {import('./provider.js').Source} Source
 * @typedef {{ baseUrl?: string, apiKey?: string, model?: string, maxTokens?: number,
 *   generationConfig?: Record<string, unknown>, fetch?: typeof fetch } & import('./provider.js').Timeouts} GeminiOptions
 *   `maxTokens`: sent as `generationConfig.maxOutputTokens` (unless `generationConfig` sets it).
 */

/** Gemini finish reasons that mean the answer was withheld or cut for safety or policy. */
const FILTERED = new Set(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII', 'IMAGE_SAFETY']);

/**
 * Options from the environment: GEMINI_API_KEY, GEMINI_MODEL, GEMINI_API_BASE.
 * @param {Record<string, string | undefined>} env
 * @returns {GeminiOptions}
 */
export function geminiOptionsFromEnv(env) {
  return {
    baseUrl: env.GEMINI_API_BASE?.trim() || GEMINI_DEFAULT_BASE_URL,
    apiKey: env.GEMINI_API_KEY?.trim() || undefined,
    model: env.GEMINI_MODEL?.trim() || GEMINI_DEFAULT_MODEL,
  };
}

/**
 * Creates the provider. Nothing is sent until `stream()` is iterated.
 * @param {GeminiOptions} [options]
 * @returns {Provider}
 */
export function createGeminiProvider(options = {}) {
  const baseUrl = (options.baseUrl || GEMINI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const model = (options.model || GEMINI_DEFAULT_MODEL).replace(/^models\//, '');
  return watchedProvider({
    name: NAME,
    model,
    timeouts: options,
    secrets: [options.apiKey],
    run: (request, watchdog) => run(request, watchdog, { ...options, baseUrl, model }),
  });
}

/**
 * @param {StreamRequest} request
 * @param {import('./provider.js').Watchdog} watchdog
 * @param {GeminiOptions & { baseUrl: string, model: string }} options
 * @returns {AsyncGenerator<StreamEvent>}
 */
async function* run({ system, messages }, watchdog, options) {
  /** The configured key, removed from every error message (provider.js `redactSecrets`). */
  const secrets = [options.apiKey];
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  if (options.apiKey) headers['x-goog-api-key'] = options.apiKey;
  /** @type {Record<string, unknown>} */
  const body = {
    contents: messages.map(({ role, content }) => ({ role: role === 'assistant' ? 'model' : 'user', parts: [{ text: content }] })),
    generationConfig: {
      ...(options.maxTokens !== undefined ? { maxOutputTokens: options.maxTokens } : {}),
      ...(options.generationConfig ?? { temperature: 0.3 }),
    },
  };
  if (system) body.systemInstruction = { parts: [{ text: system }] };

  const response = await postForStream({
    url: `${options.baseUrl}/v1beta/models/${encodeURIComponent(options.model)}:streamGenerateContent?alt=sse`,
    headers,
    body,
    watchdog,
    fetch: options.fetch,
    toError: (status, headers, text) => httpError(status, headers, text, secrets),
  });

  /** @type {string | null} */
  let finishReason = null;
  let blocked = false;
  /** @type {Map<string, Source>} */
  const sources = new Map();
  // Not an event stream: the whole answer as one JSON body (a GenerateContentResponse, or the
  // array of them the method answers without `alt=sse`), read as if each were an event.
  const items = isEventStream(response)
    ? readSse(/** @type {ReadableStream<Uint8Array>} */ (response.body), watchdog)
    : wholeResponses(await readWholeJson(response, watchdog, NAME));
  for await (const item of items) {
    if (item.type === 'field') continue; // unknown SSE fields are ignored (the spec's rule)
    const chunk = parseJsonEvent(item.data, NAME);
    if (chunk.error !== undefined) throw errorFromBody(chunk, undefined, null, secrets);
    const feedback = /** @type {{ blockReason?: unknown } | undefined} */ (chunk.promptFeedback);
    if (feedback && typeof feedback.blockReason === 'string') blocked = true;
    const candidate = firstCandidate(chunk, item.data);
    if (!candidate) {
      watchdog.alive();
      continue;
    }
    if (typeof candidate.finishReason === 'string') finishReason = candidate.finishReason;
    collectSources(candidate.groundingMetadata, sources);
    const text = candidateText(candidate, item.data);
    if (text) {
      yield { type: 'delta', text };
      watchdog.token();
    } else {
      watchdog.alive();
    }
    // The answer is complete with its finish reason (as the OpenAI adapter's `finish_reason`): a
    // server that then leaves the connection open must not turn it into a timeout.
    if (finishReason !== null) break;
  }
  if (blocked) {
    yield { type: 'done', finishReason: 'filtered' };
    return;
  }
  if (finishReason === null) {
    throw new ProviderError('stream_cut', `${NAME}: the stream ended without a finishReason.`, { provider: NAME });
  }
  if (sources.size > 0) yield { type: 'sources', sources: [...sources.values()] };
  yield { type: 'done', finishReason: mapFinishReason(finishReason) };
}

/**
 * A whole JSON answer as the events of a stream.
 * @param {unknown} body
 * @returns {Generator<import('./provider.js').SseItem>}
 */
function* wholeResponses(body) {
  for (const value of Array.isArray(body) ? body : [body]) yield { type: 'event', data: JSON.stringify(value) };
}

/**
 * @param {Record<string, unknown>} chunk
 * @param {string} data
 * @returns {Record<string, unknown> | undefined}
 */
function firstCandidate(chunk, data) {
  const { candidates } = chunk;
  if (candidates === undefined) return undefined;
  if (!Array.isArray(candidates)) throw malformed(data);
  const candidate = candidates[0];
  if (candidate === undefined) return undefined;
  if (!candidate || typeof candidate !== 'object') throw malformed(data);
  return candidate;
}

/**
 * The visible text of a candidate (thought summaries, `thought: true`, are not shown).
 * @param {Record<string, unknown>} candidate
 * @param {string} data
 */
function candidateText(candidate, data) {
  const content = candidate.content;
  if (content === undefined) return '';
  const parts = /** @type {{ parts?: unknown }} */ (content)?.parts;
  if (parts === undefined) return '';
  if (!Array.isArray(parts)) throw malformed(data);
  let text = '';
  for (const part of parts) {
    if (!part || typeof part !== 'object') throw malformed(data);
    if (part.thought === true) continue;
    if (part.text !== undefined && typeof part.text !== 'string') throw malformed(data);
    if (typeof part.text === 'string') text += part.text;
  }
  return text;
}

/**
 * Web sources of a grounded answer (`groundingMetadata.groundingChunks[].web`), http(s) only.
 * @param {unknown} metadata
 * @param {Map<string, Source>} into
 */
function collectSources(metadata, into) {
  const chunks = /** @type {{ groundingChunks?: unknown }} */ (metadata ?? {}).groundingChunks;
  if (!Array.isArray(chunks)) return;
  for (const chunk of chunks) {
    const web = chunk?.web;
    if (!web || typeof web.uri !== 'string' || !/^https?:\/\//i.test(web.uri)) continue;
    into.set(web.uri, { title: typeof web.title === 'string' && web.title ? web.title : web.uri, url: web.uri });
  }
}

/** @param {string} data */
function malformed(data) {
  return new ProviderError('malformed', `${NAME}: an event does not have the GenerateContentResponse shape: ${data.slice(0, 120)}`, {
    provider: NAME,
  });
}

/**
 * @param {string} reason
 * @returns {FinishReason}
 */
function mapFinishReason(reason) {
  if (reason === 'STOP') return 'stop';
  if (reason === 'MAX_TOKENS') return 'length';
  if (FILTERED.has(reason)) return 'filtered';
  return 'other';
}

/**
 * @param {number} status
 * @param {Headers} headers
 * @param {string} text
 * @param {readonly (string | undefined)[]} secrets the configured key: removed from the message
 */
function httpError(status, headers, text, secrets) {
  /** @type {unknown} */
  let body = null;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (a proxy's page): the status alone decides.
  }
  if (Array.isArray(body)) body = body[0];
  return errorFromBody(body, status, headers.get('retry-after'), secrets, text);
}

/**
 * Google's error body as a ProviderError. An invalid key is `400 INVALID_ARGUMENT` with reason
 * `API_KEY_INVALID` (not 401), so it is recognized by its reason. The message is cleaned of the
 * configured key (`secrets`) and key-looking tokens before anything is cut or kept.
 * @param {unknown} body
 * @param {number | undefined} status the HTTP status; undefined for an error inside the stream
 * @param {string | null} retryAfterHeader
 * @param {readonly (string | undefined)[]} secrets
 * @param {string} [rawText]
 */
function errorFromBody(body, status, retryAfterHeader, secrets, rawText = '') {
  const error = /** @type {{ code?: unknown, message?: unknown, status?: unknown, details?: unknown }} */ (
    /** @type {{ error?: unknown }} */ (body ?? {}).error ?? {}
  );
  const message = typeof error.message === 'string' ? redactSecrets(error.message, secrets) : redactSecrets(rawText, secrets).slice(0, 200);
  const details = Array.isArray(error.details) ? error.details : [];
  const code = status ?? (typeof error.code === 'number' ? error.code : 500);
  const text = error.status ? `${error.status}: ${message}` : message;
  if (details.some((d) => d?.reason === 'API_KEY_INVALID') || (code === 400 && /api key/i.test(message))) {
    return new ProviderError('unauthorized', `${NAME}: HTTP ${code}: ${text}`.slice(0, 400), { provider: NAME, status: code, secrets });
  }
  const retryInfo = details.find((d) => typeof d?.retryDelay === 'string');
  const delay = retryInfo ? Math.ceil(Number.parseFloat(retryInfo.retryDelay)) : undefined;
  const retryAfter = parseRetryAfter(retryAfterHeader) ?? (Number.isFinite(delay) ? delay : undefined);
  if (status === undefined && error.status === 'RESOURCE_EXHAUSTED') {
    return new ProviderError('rate_limited', `${NAME}: error in the stream: ${text}`, { provider: NAME, retryAfter, secrets });
  }
  return errorForStatus({
    provider: NAME,
    status: code,
    message: status === undefined ? `error in the stream: ${text}` : text,
    retryAfter,
    secrets,
  });
}
