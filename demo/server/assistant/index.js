// @ts-check
/**
 * The assistant of one tenant: its settings, the provider chosen from the environment, and the
 * handoff rules bound to its settings. The backend creates one per tenant at start and calls:
 *
 * - `assistant.decide(state, event, { locale, now })` for every event of a conversation
 *   (handoff.js), keeping the returned state with the conversation;
 * - `assistant.answer({ messages, state, locale, signal })` when the decision is `answer`: the
 *   provider's stream, ending with one `done` or `failed` event that carries the next handoff
 *   state and decision (a failure becomes a polite message and a handoff offer, never a hang).
 *
 * Provider choice (`selectProvider`): an OpenAI-compatible endpoint when OPENAI_API_KEY or
 * OPENAI_BASE_URL is set, else Gemini when GEMINI_API_KEY is set, else the built-in knowledge base
 * (no key, no network). A tenant may pin `provider: "knowledge-base"`.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createGeminiProvider, geminiOptionsFromEnv } from './gemini.js';
import { DEFAULT_HANDOFF_RULES, INITIAL_HANDOFF_STATE, decide, isWithinBusinessHours, validateBusinessHours } from './handoff.js';
import { createKnowledgeBaseProvider, loadKnowledgeBase } from './knowledge-base.js';
import { createOpenAIProvider, openAIOptionsFromEnv } from './openai.js';
import { DEFAULT_TIMEOUTS, ProviderError } from './provider.js';

export { ProviderError } from './provider.js';
export { INITIAL_HANDOFF_STATE, detectHandoffRequest, escalationNotice, isWithinBusinessHours } from './handoff.js';

/** The longest stored answer in characters (code points): a message's limit (protocol.md). */
export const MAX_ANSWER_CHARS = 4000;

/**
 * The most tokens a model may write per answer (`max_tokens` / `maxOutputTokens`), consistent
 * with {@link MAX_ANSWER_CHARS}: about 3 characters per token (prose runs 3–4), so a model told
 * this limit plans an answer that fits the cap instead of writing past it and being cut
 * (docs/assistant.md, `ASSISTANT_MAX_TOKENS`).
 */
export const DEFAULT_MAX_TOKENS = Math.round(MAX_ANSWER_CHARS / 3);

/** Said to the model after an answer that did not end by itself (it must not take it for a whole one). */
export const CUT_MARK = '[This answer was cut off before it was finished.]';
/** Said to the model after an answer the visitor stopped. */
export const STOPPED_MARK = '[The visitor stopped this answer before it was finished.]';

/** Where the tenants' help folders live by default: demo/server/help/<tenantId>/. */
export const HELP_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', 'help');

/**
 * @typedef {import('./provider.js').Provider} Provider
 * @typedef {import('./provider.js').ChatTurn} ChatTurn
 * @typedef {import('./provider.js').Source} Source
 * @typedef {import('./handoff.js').HandoffRules} HandoffRules
 * @typedef {import('./handoff.js').HandoffState} HandoffState
 * @typedef {import('./handoff.js').HandoffEvent} HandoffEvent
 * @typedef {import('./handoff.js').Decision} Decision
 * @typedef {import('./handoff.js').BusinessHours} BusinessHours
 * @typedef {'openai' | 'gemini' | 'knowledge-base'} ProviderKind
 * @typedef {{ enabled: boolean, name: string, avatar: string | null, greeting: string, systemPrompt: string,
 *   provider: 'auto' | ProviderKind, handoff: HandoffRules, businessHours: BusinessHours | null,
 *   timeouts: { firstTokenMs: number, idleMs: number, answerMs: number }, maxTurns: number }} AssistantSettings
 *   `greeting` and `systemPrompt` may use `{name}` (the assistant) and `{tenant}` (the tenant's
 *   name). `maxTurns`: how many recent turns the model sees.
 * @typedef {{ type: 'delta', text: string } | { type: 'sources', sources: Source[] }
 *   | { type: 'done', finishReason: string, confidence?: number, text: string, state: HandoffState, decision: Decision }
 *   | { type: 'failed', error: { code: string, message: string, retryAfter?: number }, text: string, state: HandoffState, decision: Decision }} AnswerEvent
 *   `text` of `done`/`failed`: everything streamed so far. A `failed` with code `aborted` is the
 *   Stop button: keep the partial text, decision `none`.
 */

/** @type {Readonly<AssistantSettings>} */
export const DEFAULT_ASSISTANT_SETTINGS = Object.freeze({
  enabled: false,
  name: 'Assistant',
  avatar: null,
  greeting: "Hi! I'm {name}, the virtual assistant of {tenant}. Ask me anything, or ask for a person at any time.",
  systemPrompt:
    'You are {name}, the customer-service assistant of {tenant}. Answer briefly and politely, in the ' +
    "visitor's language, only about {tenant}'s products, orders and services. Never invent order " +
    'details, prices or policies. If you do not know the answer, say so plainly: a person from the team can take over.',
  provider: 'auto',
  handoff: { ...DEFAULT_HANDOFF_RULES },
  businessHours: null,
  timeouts: { ...DEFAULT_TIMEOUTS },
  maxTurns: 20,
});

/** A tenant's assistant settings are wrong; `problems` names each field. */
export class AssistantConfigError extends Error {
  /** @param {string} tenant @param {string[]} problems */
  constructor(tenant, problems) {
    super(`Assistant settings of tenant "${tenant}": ${problems.join('; ')}.`);
    this.name = 'AssistantConfigError';
    this.problems = problems;
  }
}

/**
 * Fills in defaults and checks a tenant's `assistant` settings.
 * @param {unknown} raw the tenant's `assistant` object (absent: the assistant is off)
 * @param {string} [tenant] for messages
 * @returns {AssistantSettings}
 * @throws {AssistantConfigError}
 */
export function normalizeAssistantSettings(raw, tenant = 'unknown') {
  if (raw === undefined || raw === null) return structuredClone({ ...DEFAULT_ASSISTANT_SETTINGS });
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new AssistantConfigError(tenant, ['assistant must be an object']);
  const r = /** @type {Record<string, any>} */ (raw);
  /** @type {string[]} */
  const problems = [];
  const d = DEFAULT_ASSISTANT_SETTINGS;
  const str = (/** @type {string} */ key, /** @type {number} */ max) => {
    if (r[key] === undefined) return /** @type {string} */ (/** @type {any} */ (d)[key]);
    if (typeof r[key] !== 'string' || !r[key].trim() || r[key].length > max)
      problems.push(`${key} must be a non-empty string of at most ${max} characters`);
    return String(r[key]);
  };
  const name = str('name', 60);
  const greeting = str('greeting', 1000);
  const systemPrompt = str('systemPrompt', 8000);
  if (r.enabled !== undefined && typeof r.enabled !== 'boolean') problems.push('enabled must be true or false');
  if (r.avatar !== undefined && r.avatar !== null && !(typeof r.avatar === 'string' && /^(https?:\/\/|\/)\S+$/.test(r.avatar))) {
    problems.push('avatar must be an http(s) URL, a path starting with /, or null');
  }
  if (r.provider !== undefined && !['auto', 'openai', 'gemini', 'knowledge-base'].includes(r.provider)) {
    problems.push('provider must be "auto", "openai", "gemini" or "knowledge-base"');
  }
  const isObject = (/** @type {unknown} */ v) => v === undefined || (typeof v === 'object' && v !== null && !Array.isArray(v));
  if (!isObject(r.handoff)) problems.push('handoff must be an object');
  if (!isObject(r.timeouts)) problems.push('timeouts must be an object');
  const handoff = { ...d.handoff, ...(isObject(r.handoff) ? r.handoff : {}) };
  if (typeof handoff.onRequest !== 'boolean') problems.push('handoff.onRequest must be true or false');
  if (typeof handoff.minConfidence !== 'number' || handoff.minConfidence < 0 || handoff.minConfidence > 1)
    problems.push('handoff.minConfidence must be a number from 0 to 1');
  if (!['handoff', 'offer'].includes(handoff.lowConfidence)) problems.push('handoff.lowConfidence must be "handoff" or "offer"');
  if (!['handoff', 'offer'].includes(handoff.onProviderError)) problems.push('handoff.onProviderError must be "handoff" or "offer"');
  if (!Number.isInteger(handoff.maxUnhelpful) || handoff.maxUnhelpful < 0) problems.push('handoff.maxUnhelpful must be a whole number ≥ 0');
  const timeouts = { ...d.timeouts, ...(isObject(r.timeouts) ? r.timeouts : {}) };
  for (const key of /** @type {const} */ (['firstTokenMs', 'idleMs'])) {
    if (!Number.isInteger(timeouts[key]) || timeouts[key] < 100 || timeouts[key] > 300_000)
      problems.push(`timeouts.${key} must be a whole number of milliseconds from 100 to 300000`);
  }
  if (!Number.isInteger(timeouts.answerMs) || timeouts.answerMs < 1000 || timeouts.answerMs > 900_000)
    problems.push('timeouts.answerMs must be a whole number of milliseconds from 1000 to 900000');
  const maxTurns = r.maxTurns ?? d.maxTurns;
  if (!Number.isInteger(maxTurns) || maxTurns < 1 || maxTurns > 200) problems.push('maxTurns must be a whole number from 1 to 200');
  problems.push(...validateBusinessHours(r.businessHours));
  const settings = {
    enabled: r.enabled ?? d.enabled,
    name,
    avatar: r.avatar ?? null,
    greeting,
    systemPrompt,
    provider: r.provider ?? d.provider,
    handoff,
    businessHours: r.businessHours ?? null,
    timeouts,
    maxTurns,
  };
  if (problems.length > 0) throw new AssistantConfigError(tenant, problems);
  return settings;
}

/**
 * Which provider the environment configures (see the module doc).
 * @param {Record<string, string | undefined>} env
 * @returns {ProviderKind}
 */
export function selectProvider(env) {
  if (env.OPENAI_API_KEY?.trim() || env.OPENAI_BASE_URL?.trim()) return 'openai';
  if (env.GEMINI_API_KEY?.trim()) return 'gemini';
  return 'knowledge-base';
}

/**
 * The conversation's stored messages (protocol Message objects) as model turns: visitor → user,
 * ai and agent → assistant, system messages and the assistant's own notices (`notice`: the
 * apology, the handoff text) left out; consecutive turns of one role joined; the newest
 * `maxTurns`, starting with a user turn (Gemini wants the first turn to be the user's). An answer
 * that did not end by itself (`interrupted`: cut by the server, a failure or the length cap;
 * `stopped`: the visitor's Stop) keeps its text with a note saying so ({@link CUT_MARK},
 * {@link STOPPED_MARK}), so the model does not take it for a whole answer. Attachments are
 * described in words ("[The visitor sent a file: receipt.txt]"): the model sees no file, but a
 * message that is only a file is still a turn (without it the request would end with the
 * assistant's turn, or be empty).
 * @param {{ sender: { type: string }, text?: string, attachments?: { name?: string }[], notice?: boolean,
 *   interrupted?: boolean, stopped?: boolean }[]} messages oldest first
 * @param {number} [maxTurns]
 * @returns {ChatTurn[]}
 */
export function toProviderMessages(messages, maxTurns = DEFAULT_ASSISTANT_SETTINGS.maxTurns) {
  /** @type {ChatTurn[]} */
  const turns = [];
  for (const message of messages) {
    const type = message.sender?.type;
    if (type === 'ai' && message.notice) continue;
    const role = type === 'visitor' ? 'user' : type === 'ai' || type === 'agent' ? 'assistant' : null;
    const files = (message.attachments ?? []).map(
      (a) => `[${type === 'visitor' ? 'The visitor' : 'The team'} sent a file: ${a?.name || 'file'}]`,
    );
    const body = message.text?.trim();
    const mark = type === 'ai' && body ? (message.stopped ? STOPPED_MARK : message.interrupted ? CUT_MARK : '') : '';
    const text = [body && mark ? `${body}\n\n${mark}` : body, ...files].filter(Boolean).join('\n');
    if (!role || !text) continue;
    const last = turns.at(-1);
    if (last?.role === role) last.content += `\n\n${text}`;
    else turns.push({ role, content: text });
  }
  const recent = turns.slice(-maxTurns);
  while (recent.length > 0 && recent[0].role !== 'user') recent.shift();
  return recent;
}

/**
 * @param {string} template
 * @param {{ name: string, tenant: string }} values
 */
const fill = (template, values) => template.replaceAll('{name}', values.name).replaceAll('{tenant}', values.tenant);

/**
 * Creates the assistant of one tenant.
 * @param {Record<string, string | undefined>} env usually `process.env`
 * @param {unknown} tenantSettings the tenant's `assistant` object from tenants.json
 * @param {{ tenantId: string, tenantName?: string, helpDir?: string, fetch?: typeof fetch,
 *   kbDelayMs?: number, logger?: Pick<Console, 'warn'> }} options `helpDir` defaults to
 *   `HELP_ROOT/<tenantId>`; `kbDelayMs` spaces the knowledge base's deltas (`ASSISTANT_KB_DELAY_MS` in `env` wins; default 15 ms, so the
 *   demo visibly streams).
 * @throws {AssistantConfigError} when the settings are wrong
 */
export async function createAssistant(env, tenantSettings, options) {
  const settings = normalizeAssistantSettings(tenantSettings, options.tenantId);
  const values = { name: settings.name, tenant: options.tenantName ?? options.tenantId };
  const logger = options.logger ?? console;
  const fromEnv = selectProvider(env);
  /** @type {ProviderKind} */
  let kind = settings.provider === 'auto' ? fromEnv : settings.provider;
  if (kind !== 'knowledge-base' && kind !== fromEnv) {
    logger.warn(`assistant (${options.tenantId}): provider "${kind}" is not configured in the environment; using the knowledge base.`);
    kind = 'knowledge-base';
  }
  const timeouts = {
    firstTokenMs: positiveInt(env.ASSISTANT_FIRST_TOKEN_MS) ?? settings.timeouts.firstTokenMs,
    idleMs: positiveInt(env.ASSISTANT_IDLE_MS) ?? settings.timeouts.idleMs,
    answerMs: positiveInt(env.ASSISTANT_ANSWER_MS) ?? settings.timeouts.answerMs,
  };
  const maxTokens = positiveInt(env.ASSISTANT_MAX_TOKENS) ?? DEFAULT_MAX_TOKENS;
  /** @type {Provider} */
  let provider;
  let description;
  if (kind === 'openai') {
    const o = openAIOptionsFromEnv(env);
    provider = createOpenAIProvider({ ...o, ...timeouts, maxTokens, fetch: options.fetch });
    description = `OpenAI-compatible endpoint ${o.baseUrl}, model ${o.model}${o.apiKey ? '' : ' (no API key)'}`;
  } else if (kind === 'gemini') {
    const o = geminiOptionsFromEnv(env);
    provider = createGeminiProvider({ ...o, ...timeouts, maxTokens, fetch: options.fetch });
    description = `Gemini ${o.model} at ${o.baseUrl}`;
  } else {
    const dir = options.helpDir ?? join(HELP_ROOT, options.tenantId);
    const { knowledgeBase, warnings } = await loadKnowledgeBase(dir);
    for (const warning of warnings) logger.warn(`assistant (${options.tenantId}): ${warning}`);
    provider = createKnowledgeBaseProvider({
      knowledgeBase,
      minConfidence: settings.handoff.minConfidence,
      delayMs: wholeNumber(env.ASSISTANT_KB_DELAY_MS) ?? options.kbDelayMs ?? 15,
    });
    description = `knowledge base: ${knowledgeBase.articleCount} articles, ${knowledgeBase.sections.length} passages from ${dir}`;
  }
  const system = fill(settings.systemPrompt, values);

  /**
   * @param {HandoffState} state
   * @param {HandoffEvent} event
   * @param {{ locale?: string, now?: Date, agentsOnline?: boolean }} [context] `locale`: the
   *   visitor's, for the texts; `agentsOnline` (default true): whether a person can come now
   */
  const decideFor = (state, event, context = {}) =>
    decide(state, event, {
      rules: settings.handoff,
      locale: context.locale,
      withinHours: isWithinBusinessHours(settings.businessHours, context.now ?? new Date()),
      agentsOnline: context.agentsOnline,
    });

  return {
    /** Whether the tenant turned the assistant on. */
    enabled: settings.enabled,
    settings,
    /** @type {ProviderKind} */
    providerKind: kind,
    provider,
    /** One line for the start-up log. */
    description,
    /** The greeting with `{name}` and `{tenant}` filled in. */
    greeting: fill(settings.greeting, values),
    /** The system prompt sent to the model. */
    system,
    decide: decideFor,
    /** @param {Date} [now] */
    isOpen: (now = new Date()) => isWithinBusinessHours(settings.businessHours, now),

    /**
     * Streams an answer to the conversation so far and ends with `done` or `failed`. The last
     * turn must be the visitor's (a request ending with the assistant's turn, or empty, is not
     * sent: it fails as `bad_request`).
     * `retryAt` (ms since the epoch): the provider asked to wait until then (a 429's
     * Retry-After): until that time nothing is sent and the answer fails at once as
     * `rate_limited` with the seconds left as `retryAfter`.
     * @param {{ messages: ChatTurn[], state?: HandoffState, locale?: string, signal?: AbortSignal, now?: Date,
     *   agentsOnline?: boolean, retryAt?: number }} request
     * @returns {AsyncGenerator<AnswerEvent>}
     */
    async *answer({ messages, state = INITIAL_HANDOFF_STATE, locale, signal, now, agentsOnline, retryAt }) {
      let text = '';
      const recent = messages.slice(-settings.maxTurns);
      while (recent.length > 1 && recent[0].role !== 'user') recent.shift();
      try {
        if (recent.at(-1)?.role !== 'user')
          throw new ProviderError('bad_request', `${provider.name}: nothing of the visitor's to answer.`, { provider: provider.name });
        const wait = retryAt === undefined ? 0 : Math.ceil((retryAt - (now ?? new Date()).getTime()) / 1000);
        if (wait > 0)
          throw new ProviderError('rate_limited', `${provider.name}: cooling down after a rate limit, not asked (${wait} s left).`, {
            provider: provider.name,
            retryAfter: wait,
          });
        for await (const event of provider.stream({ system, messages: recent, signal })) {
          if (event.type === 'done') {
            const next = decideFor(
              state,
              { type: 'answer_done', finishReason: event.finishReason, confidence: event.confidence, text },
              { locale, now, agentsOnline },
            );
            yield { type: 'done', finishReason: event.finishReason, confidence: event.confidence, text, ...next };
            return;
          }
          if (event.type === 'delta') text += event.text;
          yield event;
        }
        throw new ProviderError('stream_cut', `${provider.name}: the stream ended without done.`, { provider: provider.name });
      } catch (error) {
        const failure =
          error instanceof ProviderError
            ? error
            : new ProviderError('server_error', `${provider.name}: ${error instanceof Error ? error.message : String(error)}`, {
                provider: provider.name,
                cause: error,
              });
        const next = decideFor(state, { type: 'provider_error', code: failure.code }, { locale, now, agentsOnline });
        yield { type: 'failed', error: { code: failure.code, message: failure.message, retryAfter: failure.retryAfter }, text, ...next };
      }
    },
  };
}

/** @param {string | undefined} value a whole number of 0 or more */
function wholeNumber(value) {
  const n = Number(value);
  return value && Number.isInteger(n) && n >= 0 ? n : undefined;
}

/** @param {string | undefined} value */
function positiveInt(value) {
  const n = Number(value);
  return value && Number.isInteger(n) && n > 0 ? n : undefined;
}

/** @typedef {Awaited<ReturnType<typeof createAssistant>>} Assistant */
