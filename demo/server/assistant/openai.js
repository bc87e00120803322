// @ts-check
/**
 * Provider for any OpenAI-compatible Chat Completions endpoint: OpenAI itself and the servers
 * people run locally (Ollama, llama.cpp server, vLLM, LM Studio).
 *
 * Wire format: `POST {base}/chat/completions` with `stream: true` answers `text/event-stream`
 * with `data: {chat.completion.chunk}` events (`choices[0].delta.content`, and
 * `choices[0].finish_reason` on the last chunk), then `data: [DONE]`. Errors before the stream are
 * an HTTP status with `{ "error": { "message", "type", "code" } }` (Ollama: `{ "error": "text" }`);
 * errors inside it are a `data: { "error": … }` event, or (llama.cpp) an `error: {json}` line.
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

const NAME = 'openai-compatible';
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';
export const OPENAI_DEFAULT_MODEL = 'gpt-4o-mini';

/**
 * @typedef {import('./provider.js').Provider} Provider
 * @typedef {import('./provider.js').StreamRequest} StreamRequest
 * @typedef {import('./provider.js').StreamEvent} StreamEvent
 * @typedef {import('./provider.js').FinishReason} FinishReason
 * @typedef {{ baseUrl?: string, apiKey?: string, model?: string, temperature?: number,
 *   maxTokens?: number, fetch?: typeof fetch } & import('./provider.js').Timeouts} OpenAIOptions
 *   `temperature` and `maxTokens` are sent only when set (reasoning models refuse a temperature).
 *   `maxTokens` goes as `max_completion_tokens` to OpenAI itself (api.openai.com, where
 *   `max_tokens` is deprecated and refused by its reasoning models) and as `max_tokens` to every
 *   other endpoint (Ollama, llama.cpp, vLLM, LM Studio read that one).
 */

/**
 * Options from the environment: OPENAI_BASE_URL (default OpenAI), OPENAI_API_KEY (optional for
 * local servers), OPENAI_MODEL.
 * @param {Record<string, string | undefined>} env
 * @returns {OpenAIOptions}
 */
export function openAIOptionsFromEnv(env) {
  return {
    baseUrl: env.OPENAI_BASE_URL?.trim() || OPENAI_DEFAULT_BASE_URL,
    apiKey: env.OPENAI_API_KEY?.trim() || undefined,
    model: env.OPENAI_MODEL?.trim() || OPENAI_DEFAULT_MODEL,
  };
}

/**
 * Creates the provider. Nothing is sent until `stream()` is iterated.
 * @param {OpenAIOptions} [options]
 * @returns {Provider}
 * @example
 * const provider = createOpenAIProvider({ baseUrl: 'http://localhost:11434/v1', model: 'llama3.2' });
 * for await (const event of provider.stream({ system: 'Be brief.', messages: [{ role: 'user', content: 'Hi' }] })) …
 */
export function createOpenAIProvider(options = {}) {
  const baseUrl = (options.baseUrl || OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const model = options.model || OPENAI_DEFAULT_MODEL;
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
 * @param {OpenAIOptions & { baseUrl: string, model: string }} options
 * @returns {AsyncGenerator<StreamEvent>}
 */
async function* run({ system, messages }, watchdog, options) {
  /** The configured key, removed from every error message (provider.js `redactSecrets`). */
  const secrets = [options.apiKey];
  /** @type {Record<string, string>} */
  const headers = { 'Content-Type': 'application/json', Accept: 'text/event-stream' };
  if (options.apiKey) headers.Authorization = `Bearer ${options.apiKey}`;
  /** @type {Record<string, unknown>} */
  const body = {
    model: options.model,
    messages: [...(system ? [{ role: 'system', content: system }] : []), ...messages.map(({ role, content }) => ({ role, content }))],
    stream: true,
  };
  if (options.temperature !== undefined) body.temperature = options.temperature;
  if (options.maxTokens !== undefined) {
    const openai = /^https:\/\/api\.openai\.com(\/|$)/i.test(options.baseUrl);
    body[openai ? 'max_completion_tokens' : 'max_tokens'] = options.maxTokens;
  }

  const response = await postForStream({
    url: `${options.baseUrl}/chat/completions`,
    headers,
    body,
    watchdog,
    fetch: options.fetch,
    toError: (status, headers, text) => httpError(status, headers, text, secrets),
  });

  if (!isEventStream(response)) {
    // A server that ignored `stream: true`: its whole chat.completion is the answer.
    yield* wholeCompletion(await readWholeJson(response, watchdog, NAME), secrets);
    return;
  }

  /** @type {string | null} */
  let finishReason = null;
  let sawDone = false;
  for await (const item of readSse(/** @type {ReadableStream<Uint8Array>} */ (response.body), watchdog)) {
    if (item.type === 'field') {
      if (item.field === 'error') throw streamError(parseJsonEvent(item.value, NAME), secrets);
      continue;
    }
    if (item.data.trim() === '[DONE]') {
      sawDone = true;
      break;
    }
    const chunk = parseJsonEvent(item.data, NAME);
    if (item.event === 'error' || chunk.error !== undefined || chunk.object === 'error') throw streamError(chunk, secrets);
    const choice = firstChoice(chunk);
    if (!choice) {
      watchdog.alive(); // a usage-only chunk or similar
      continue;
    }
    const delta = choice.delta === undefined || choice.delta === null ? {} : choice.delta;
    if (typeof delta !== 'object') throw malformed(item.data);
    const { content, reasoning_content: reasoning } = /** @type {{ content?: unknown, reasoning_content?: unknown }} */ (delta);
    if (content !== undefined && content !== null && typeof content !== 'string') throw malformed(item.data);
    if (typeof choice.finish_reason === 'string') finishReason = choice.finish_reason;
    if (typeof content === 'string' && content !== '') {
      yield { type: 'delta', text: content };
      watchdog.token();
    } else if (typeof reasoning === 'string' && reasoning !== '') {
      watchdog.token(); // a thinking model is generating; its reasoning is not shown
    } else {
      watchdog.alive();
    }
    // The answer is complete with its finish reason: a server that then leaves the connection
    // open without `[DONE]` must not turn it into a timeout.
    if (finishReason !== null) break;
  }
  if (!sawDone && finishReason === null) {
    throw new ProviderError('stream_cut', `${NAME}: the stream ended without a finish reason or [DONE].`, { provider: NAME });
  }
  yield { type: 'done', finishReason: mapFinishReason(finishReason) };
}

/**
 * A whole (non-streamed) `chat.completion` as the stream's events.
 * @param {unknown} body
 * @param {readonly (string | undefined)[]} secrets
 * @returns {Generator<StreamEvent>}
 */
function* wholeCompletion(body, secrets) {
  const data = JSON.stringify(body).slice(0, 200);
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw malformed(data);
  const chunk = /** @type {Record<string, unknown>} */ (body);
  if (chunk.error !== undefined || chunk.object === 'error') throw streamError(chunk, secrets);
  const choice = /** @type {{ message?: { content?: unknown }, finish_reason?: unknown } | undefined} */ (firstChoice(chunk));
  const content = choice?.message?.content;
  if (!choice || (content !== undefined && content !== null && typeof content !== 'string')) throw malformed(data);
  if (typeof content === 'string' && content !== '') yield { type: 'delta', text: content };
  yield { type: 'done', finishReason: mapFinishReason(typeof choice.finish_reason === 'string' ? choice.finish_reason : null) };
}

/**
 * @param {Record<string, unknown>} chunk
 * @returns {{ delta?: unknown, finish_reason?: unknown } | undefined}
 */
function firstChoice(chunk) {
  const { choices } = chunk;
  if (choices === undefined) return undefined;
  if (!Array.isArray(choices)) throw malformed(JSON.stringify(chunk));
  const choice = choices.find((c) => c && typeof c === 'object' && (c.index === 0 || c.index === undefined)) ?? choices[0];
  if (choice === undefined) return undefined;
  if (!choice || typeof choice !== 'object') throw malformed(JSON.stringify(chunk));
  return choice;
}

/** @param {string} data */
function malformed(data) {
  return new ProviderError('malformed', `${NAME}: an event does not have the chat.completion.chunk shape: ${data.slice(0, 120)}`, {
    provider: NAME,
  });
}

/**
 * @param {string | null} reason
 * @returns {FinishReason}
 */
function mapFinishReason(reason) {
  if (reason === null || reason === 'stop') return 'stop';
  if (reason === 'length') return 'length';
  if (reason === 'content_filter') return 'filtered';
  return 'other';
}

/**
 * The message, type and code of any of the error bodies compatible servers send.
 * @param {unknown} body
 */
function errorFields(body) {
  const root = /** @type {Record<string, unknown>} */ (body && typeof body === 'object' ? body : {});
  const inner = root.error;
  const error = /** @type {Record<string, unknown>} */ (inner && typeof inner === 'object' ? inner : root);
  const message = typeof inner === 'string' ? inner : typeof error.message === 'string' ? error.message : '';
  return { message, type: String(error.type ?? ''), code: error.code };
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
    // Not JSON (a proxy's HTML page): the status alone decides.
  }
  const { message } = errorFields(body);
  return errorForStatus({
    provider: NAME,
    status,
    message: message ? redactSecrets(message, secrets) : redactSecrets(text, secrets).slice(0, 200),
    retryAfter: parseRetryAfter(headers.get('retry-after')),
    secrets,
  });
}

/**
 * An error reported inside the stream, by code when it is an HTTP status (llama.cpp, vLLM) or
 * by OpenAI's error code/type names.
 * @param {Record<string, unknown>} body
 * @param {readonly (string | undefined)[]} secrets the configured key: removed from the message
 */
function streamError(body, secrets) {
  const { message: raw, type, code } = errorFields(body);
  const message = redactSecrets(raw, secrets);
  if (typeof code === 'number' && code >= 400) return errorForStatus({ provider: NAME, status: code, message, secrets });
  const name = `${String(code ?? '')} ${type}`;
  const text = `${NAME}: error in the stream: ${message || name.trim() || 'unknown error'}`.slice(0, 400);
  if (/rate_limit|quota/.test(name)) return new ProviderError('rate_limited', text, { provider: NAME, secrets });
  if (/invalid_api_key|authentication|permission/.test(name)) return new ProviderError('unauthorized', text, { provider: NAME, secrets });
  return new ProviderError('server_error', text, { provider: NAME, secrets });
}
