// @ts-check
/**
 * The one HTTP call the real adapters make: `fetch` with a request timeout, turning "no answer in
 * time" and "no connection" into {@link ProviderError}s. Status codes are left to the adapter,
 * which knows its provider's error bodies.
 */
import { ProviderError, parseRetryAfter } from './provider.js';

/** Default request timeout for provider APIs, in milliseconds. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/**
 * @typedef {{ status: number, headers: Headers, text: string, json: unknown }} ProviderResponse
 *   `json`: the parsed body, or `undefined` when it is not JSON.
 */

/**
 * Sends one request and reads the whole answer within `timeoutMs`.
 * @param {string} url
 * @param {{
 *   method: string, headers: Record<string, string>, body?: string, timeoutMs: number,
 *   provider: string, fetch?: typeof globalThis.fetch,
 * }} options `provider` names the service in error messages ("Twilio").
 * @returns {Promise<ProviderResponse>}
 * @throws {ProviderError} `timeout`, or `provider_unavailable` when no connection could be made
 */
export async function providerRequest(url, { method, headers, body, timeoutMs, provider, fetch = globalThis.fetch }) {
  const signal = AbortSignal.timeout(timeoutMs);
  try {
    const response = await fetch(url, { method, headers, body, signal, redirect: 'error' });
    // The same signal bounds the body: a server that sends headers and then stalls still times out.
    const text = await response.text();
    let json;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, text, json };
  } catch (error) {
    if (signal.aborted) {
      throw new ProviderError('timeout', `${provider} did not answer within ${timeoutMs} ms (${method} ${new URL(url).pathname}).`, {
        cause: error,
      });
    }
    const cause = /** @type {{ cause?: { code?: string }, message?: string }} */ (error);
    throw new ProviderError(
      'provider_unavailable',
      `${provider} could not be reached: ${cause.cause?.code ?? cause.message ?? 'network error'}.`,
      { cause: error },
    );
  }
}

/**
 * The common part of mapping an HTTP error status: 401/403 → `provider_auth`, 429 →
 * `rate_limited` with `Retry-After`, 5xx → `provider_unavailable`, other → `provider_error`.
 * Adapters check their own invalid-number answers first.
 * @param {ProviderResponse} response
 * @param {{ provider: string, message: string, providerCode?: string | number, now?: number }} details
 */
export function statusError(response, { provider, message, providerCode, now }) {
  const { status } = response;
  const base = { status, providerCode };
  if (status === 401 || status === 403)
    return new ProviderError('provider_auth', `${provider} refused our credentials (${status}): ${message}`, base);
  if (status === 429) {
    const retryAfter = parseRetryAfter(response.headers.get('retry-after'), now) ?? 1;
    return new ProviderError('rate_limited', `${provider} rate-limits us (429); retry in ${retryAfter} s: ${message}`, {
      ...base,
      retryAfter,
    });
  }
  if (status >= 500) return new ProviderError('provider_unavailable', `${provider} failed (${status}): ${message}`, base);
  return new ProviderError('provider_error', `${provider} refused the request (${status}): ${message}`, base);
}
