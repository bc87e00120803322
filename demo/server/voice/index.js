// @ts-check
/**
 * Entry point of the server's telephony: picks the provider from the environment and wires the
 * provider, the tenants' callback rules and the call manager together, plus the two small HTTP
 * helpers a webhook route needs (the raw body and the URL the provider signed).
 *
 * Provider choice: `TELEPHONY_PROVIDER` (`twilio`, `retell` or `simulated`) when set; otherwise
 * Twilio when any `TWILIO_*` credential is set, Retell when any `RETELL_*` one is, else the
 * built-in simulation. A half-configured provider is an error at start, never a silent fallback
 * to the simulation.
 *
 * | variable | meaning |
 * | --- | --- |
 * | `TWILIO_ACCOUNT_SID`, `TWILIO_AUTH_TOKEN`, `TWILIO_FROM_NUMBER` | required for Twilio; the Auth Token also validates status callbacks |
 * | `TWILIO_API_KEY_SID`, `TWILIO_API_KEY_SECRET` | optional: authenticate REST calls with an API key instead of the Auth Token |
 * | `TWILIO_TWIML_URL` or `TWILIO_CONNECT_NUMBER` | what the answered call does: fetch TwiML from a URL, or say a greeting and dial the team's number |
 * | `TWILIO_API_BASE` | default `https://api.twilio.com` (tests point it at a local server) |
 * | `RETELL_API_KEY`, `RETELL_FROM_NUMBER` | required for Retell; the key (with the webhook badge) also validates webhooks |
 * | `RETELL_AGENT_ID` | optional `override_agent_id` |
 * | `RETELL_API_BASE` | default `https://api.retellai.com` |
 * | `VOICE_PROVIDER_TIMEOUT_MS` | provider API request timeout (default 10000) |
 * | `VOICE_RING_TIMEOUT_SECONDS` | how long the visitor's phone rings (Twilio `Timeout`; default 30) |
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { readBody } from '../http-util.js';
import { createCallManager } from './calls.js';
import { createRetellProvider } from './retell.js';
import { compileCallbackRules, createCallbackRules } from './rules.js';
import { createSimulatedProvider } from './simulated.js';
import { createTwilioProvider } from './twilio.js';

/** @typedef {import('./provider.js').TelephonyProvider} TelephonyProvider */
/** @typedef {import('./simulated.js').Scheduler} Scheduler */

/** Where each provider's webhooks are to be routed (POST). */
export const WEBHOOK_PATHS = Object.freeze({ twilio: '/api/voice/webhooks/twilio', retell: '/api/voice/webhooks/retell' });

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 * @param {number} fallback
 * @param {{ min: number, max: number }} range
 */
function intEnv(env, name, fallback, { min, max }) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max)
    throw new Error(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}.`);
  return value;
}

/**
 * @param {Record<string, string | undefined>} env
 * @param {string} name
 */
function e164Env(env, name) {
  const value = env[name] ?? '';
  const phone = parsePhoneNumberFromString(value);
  if (!phone || phone.number !== value)
    throw new Error(`${name} must be an E.164 number such as +15550100000, got ${JSON.stringify(value)}.`);
  return value;
}

/** @param {string} name @param {string} [value] */
function urlEnv(name, value) {
  if (value === undefined || value === '') return undefined;
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return value;
  } catch {
    // fall through
  }
  throw new Error(`${name} must be an http(s) URL, got ${JSON.stringify(value)}.`);
}

/**
 * Chooses and configures the telephony provider from the environment, and logs which one.
 * @param {Record<string, string | undefined>} [env]
 * @param {{ log?: (line: string) => void, scheduler?: Scheduler, fetch?: typeof globalThis.fetch }} [options]
 * @returns {TelephonyProvider}
 * @throws {Error} a half-configured provider, or a malformed value (one message naming the variables)
 */
export function createTelephony(env = process.env, { log = console.log, scheduler, fetch } = {}) {
  const has = (/** @type {string} */ prefix) => Object.keys(env).some((k) => k.startsWith(prefix) && env[k] && !k.endsWith('_API_BASE'));
  const choice = env.TELEPHONY_PROVIDER || (has('TWILIO_') ? 'twilio' : has('RETELL_') ? 'retell' : 'simulated');
  const timeoutMs = intEnv(env, 'VOICE_PROVIDER_TIMEOUT_MS', 10_000, { min: 1, max: 120_000 });
  const ringTimeoutSeconds = intEnv(env, 'VOICE_RING_TIMEOUT_SECONDS', 30, { min: 5, max: 600 });
  /** @param {string[]} names */
  const missing = (names) => names.filter((n) => !env[n]);

  /** @type {TelephonyProvider} */
  let provider;
  if (choice === 'twilio') {
    const absent = missing(['TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'TWILIO_FROM_NUMBER']);
    if (absent.length)
      throw new Error(`Twilio is half configured: set ${absent.join(', ')} (or unset every TWILIO_* variable to use the simulation).`);
    if (Boolean(env.TWILIO_API_KEY_SID) !== Boolean(env.TWILIO_API_KEY_SECRET))
      throw new Error('Set both TWILIO_API_KEY_SID and TWILIO_API_KEY_SECRET, or neither.');
    provider = createTwilioProvider({
      accountSid: /** @type {string} */ (env.TWILIO_ACCOUNT_SID),
      authToken: /** @type {string} */ (env.TWILIO_AUTH_TOKEN),
      apiKeySid: env.TWILIO_API_KEY_SID || undefined,
      apiKeySecret: env.TWILIO_API_KEY_SECRET || undefined,
      fromNumber: e164Env(env, 'TWILIO_FROM_NUMBER'),
      apiBase: urlEnv('TWILIO_API_BASE', env.TWILIO_API_BASE),
      twimlUrl: urlEnv('TWILIO_TWIML_URL', env.TWILIO_TWIML_URL),
      connectNumber: env.TWILIO_CONNECT_NUMBER ? e164Env(env, 'TWILIO_CONNECT_NUMBER') : undefined,
      timeoutMs,
      ringTimeoutSeconds,
      fetch,
    });
    if (!env.TWILIO_TWIML_URL && !env.TWILIO_CONNECT_NUMBER)
      log('voice: neither TWILIO_TWIML_URL nor TWILIO_CONNECT_NUMBER is set: answered callbacks hear a greeting and nobody is dialled in.');
  } else if (choice === 'retell') {
    const absent = missing(['RETELL_API_KEY', 'RETELL_FROM_NUMBER']);
    if (absent.length)
      throw new Error(`Retell is half configured: set ${absent.join(', ')} (or unset every RETELL_* variable to use the simulation).`);
    provider = createRetellProvider({
      apiKey: /** @type {string} */ (env.RETELL_API_KEY),
      fromNumber: e164Env(env, 'RETELL_FROM_NUMBER'),
      agentId: env.RETELL_AGENT_ID || undefined,
      apiBase: urlEnv('RETELL_API_BASE', env.RETELL_API_BASE),
      timeoutMs,
      fetch,
    });
  } else if (choice === 'simulated') {
    provider = createSimulatedProvider({ scheduler, timings: { ringTimeoutMs: ringTimeoutSeconds * 1000 } });
  } else {
    throw new Error(`TELEPHONY_PROVIDER must be twilio, retell or simulated, got ${JSON.stringify(choice)}.`);
  }
  if (choice === 'twilio' && has('RETELL_') && !env.TELEPHONY_PROVIDER)
    log('voice: both TWILIO_* and RETELL_* are set; using Twilio (set TELEPHONY_PROVIDER to choose).');
  log(`voice: telephony provider ${provider.describe}`);
  return provider;
}

/**
 * Everything the routes need for phone callbacks: the provider, the rules and the call manager,
 * with each tenant's `voice.callback` configuration checked up front.
 * @param {{
 *   env?: Record<string, string | undefined>,
 *   tenants?: Array<{ id: string, voice?: { callback?: unknown } }>,
 *   publicUrl?: string,
 *   log?: (line: string) => void,
 *   scheduler?: Scheduler,
 *   fetch?: typeof globalThis.fetch,
 * }} [options] `publicUrl`: the origin providers reach this server at (`PUBLIC_URL`); Twilio's
 *   status callbacks are built on it, so Twilio requires it.
 */
export function createVoice({ env = process.env, tenants = [], publicUrl, log = console.log, scheduler, fetch } = {}) {
  for (const tenant of tenants) compileCallbackRules(tenant.voice?.callback, tenant.id);
  const provider = createTelephony(env, { log, scheduler, fetch });
  if (provider.name === 'twilio' && !publicUrl)
    throw new Error('Twilio posts call status to this server: set PUBLIC_URL to the https origin Twilio can reach.');
  const origin = publicUrl ? new URL(publicUrl).origin : undefined;
  const rules = createCallbackRules({ now: scheduler ? () => scheduler.now() : Date.now });
  const calls = createCallManager({
    provider,
    rules,
    scheduler,
    webhookUrl: (callId) =>
      provider.name === 'twilio' && origin ? `${origin}${WEBHOOK_PATHS.twilio}?call=${encodeURIComponent(callId)}` : undefined,
  });
  return { provider, rules, calls, webhookPath: provider.name === 'simulated' ? null : WEBHOOK_PATHS[provider.name] };
}

/**
 * Reads a webhook's raw body as text (signatures are computed over the exact bytes), at most
 * 64 KiB: http-util.js readBody, the one body reader of the server (a larger body is answered 413,
 * never a reset connection).
 * @param {import('node:http').IncomingMessage} req
 * @returns {Promise<string>}
 * @throws {ApiError} 413 `payload_too_large`
 */
export function readWebhookBody(req) {
  return readBody(req, 'Webhook body');
}

/**
 * The full URL a provider requested, as it signed it: the public origin (`PUBLIC_URL`; behind a
 * proxy the socket's own address is not what the provider saw) plus the request's path and query.
 * @param {import('node:http').IncomingMessage} req
 * @param {string} publicUrl
 */
export function webhookRequestUrl(req, publicUrl) {
  return `${new URL(publicUrl).origin}${req.url ?? '/'}`;
}
