// @ts-check
/**
 * The protocol's HTTP API: the routing table of the visitor endpoints (`/api/chat/*`, API key +
 * session token), the agent endpoints (`/api/agent/*`, agent token), file downloads and the
 * test-only debug hooks, and the dispatch of a request to its handler. Each handler validates
 * (validation.js), calls the chat rules (chat.js) or the store, and answers JSON (http-util.js);
 * every thrown ApiError becomes the documented error body.
 */
import { ApiError } from '../errors.js';
import {
  agentLogin,
  agentLogout,
  listAgentMessages,
  listConversations,
  postAgentClose,
  postAgentMessage,
  postAgentRead,
  postAgentReopen,
  postAgentTyping,
  postAgentUpload,
} from './agent.js';
import { getConversationVisitor, searchConversations } from './agent-lookup.js';
import { debugBackdate, debugFrames, debugSweepUploads } from './debug.js';
import { createWidget, deleteWidget, embedPage, getWidgetConfig, listWidgets, updateWidget } from './embed.js';
import {
  getFeedback,
  getQueue,
  getTranscript,
  postAccept,
  postAgentEscalate,
  postEscalate,
  postFeedback,
  postRating,
  postReturn,
  postStop,
  postTranscriptEmail,
  postTransfer,
} from './assistant.js';
import { createSession } from './session.js';
import { postRetellWebhook, postTwilioWebhook, postVoiceCallback, postVoiceCancel } from './voice.js';
import {
  getFile,
  listVisitorMessages,
  postVisitorContact,
  postVisitorForget,
  postVisitorMessage,
  postVisitorRead,
  postVisitorTyping,
  postVisitorUpload,
} from './visitor.js';

/**
 * @typedef {import('../rate-limit.js').RateLimiter} RateLimiter
 * @typedef {{ sessionsPerIp: RateLimiter, sessionsPerVisitor: RateLimiter, sendsPerIp: RateLimiter, uploads: RateLimiter }} Limits
 * @typedef {{
 *   store: import('../store/index.js').Store, tokens: import('../auth.js').TokenService, chat: import('../chat.js').ChatService,
 *   shutdown: AbortSignal, limits: Limits, trustProxy: number, publicUrl?: string, debugHooks: boolean, filesDir: string, ipHashKey: string,
 *   hasher: import('../auth.js').PasswordHasher, loginGuard: import('../rate-limit.js').LoginGuard,
 *   guards: import('../limits.js').Guards, voice?: import('../voice/service.js').VoiceService, team?: import('../team.js').TeamDirectory,
 *   assistant?: import('../assistant/service.js').AssistantService, mailer?: ReturnType<typeof import('../mail.js').createMailer>,
 * }} Deps
 *   `guards`: connection limits, the fingerprint relinker and upload storage (limits.js).
 *   `debugHooks` enables `POST /api/debug/*` (tests only; never in production).
 *   `filesDir` holds uploaded files; `ipHashKey` keys the HMAC that stores client IPs as hashes.
 *   `trustProxy`: how many proxies in front of the server set `X-Forwarded-*` (0: none).
 *   `hasher` runs password hashes a few at a time; `loginGuard` throttles failed agent logins.
 * @typedef {{
 *   req: import('node:http').IncomingMessage,
 *   res: import('node:http').ServerResponse,
 *   url: URL,
 *   params: Record<string, string>,
 *   deps: Deps,
 * }} Context
 * @typedef {(ctx: Context) => Promise<void>} Handler
 * @typedef {{ pattern: RegExp, methods: Record<string, Handler>, debug?: boolean }} Route
 *   `debug` routes exist only when the server runs with debug hooks (tests).
 */

/** The API routing table; `(?<id>…)` groups become `ctx.params`. @type {Route[]} */
export const apiRoutes = [
  { pattern: /^\/embed\/?$/, methods: { GET: embedPage, HEAD: embedPage } },
  { pattern: /^\/embed\/config\/(?<id>[^/]+)$/, methods: { GET: getWidgetConfig } },
  { pattern: /^\/api\/agent\/widgets$/, methods: { GET: listWidgets, POST: createWidget } },
  { pattern: /^\/api\/agent\/widgets\/(?<id>[^/]+)$/, methods: { PUT: updateWidget, DELETE: deleteWidget } },
  { pattern: /^\/api\/chat\/session$/, methods: { POST: createSession } },
  { pattern: /^\/api\/chat\/messages$/, methods: { GET: listVisitorMessages, POST: postVisitorMessage } },
  { pattern: /^\/api\/chat\/typing$/, methods: { POST: postVisitorTyping } },
  { pattern: /^\/api\/chat\/read$/, methods: { POST: postVisitorRead } },
  { pattern: /^\/api\/chat\/contact$/, methods: { POST: postVisitorContact } },
  { pattern: /^\/api\/chat\/uploads$/, methods: { POST: postVisitorUpload } },
  { pattern: /^\/api\/chat\/forget$/, methods: { POST: postVisitorForget } },
  { pattern: /^\/api\/chat\/voice\/callback$/, methods: { POST: postVoiceCallback } },
  { pattern: /^\/api\/chat\/voice\/cancel$/, methods: { POST: postVoiceCancel } },
  { pattern: /^\/api\/voice\/webhooks\/twilio$/, methods: { POST: postTwilioWebhook } },
  { pattern: /^\/api\/voice\/webhooks\/retell$/, methods: { POST: postRetellWebhook } },
  { pattern: /^\/api\/agent\/login$/, methods: { POST: agentLogin } },
  { pattern: /^\/api\/agent\/logout$/, methods: { POST: agentLogout } },
  { pattern: /^\/api\/agent\/conversations$/, methods: { GET: listConversations } },
  { pattern: /^\/api\/agent\/search$/, methods: { GET: searchConversations } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/visitor$/, methods: { GET: getConversationVisitor } },
  {
    pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/messages$/,
    methods: { GET: listAgentMessages, POST: postAgentMessage },
  },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/typing$/, methods: { POST: postAgentTyping } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/close$/, methods: { POST: postAgentClose } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/reopen$/, methods: { POST: postAgentReopen } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/read$/, methods: { POST: postAgentRead } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/uploads$/, methods: { POST: postAgentUpload } },
  { pattern: /^\/api\/chat\/escalate$/, methods: { POST: postEscalate } },
  { pattern: /^\/api\/chat\/assistant\/stop$/, methods: { POST: postStop } },
  { pattern: /^\/api\/chat\/feedback$/, methods: { POST: postFeedback } },
  { pattern: /^\/api\/chat\/rating$/, methods: { POST: postRating } },
  { pattern: /^\/api\/chat\/transcript$/, methods: { GET: getTranscript } },
  { pattern: /^\/api\/chat\/transcript\/email$/, methods: { POST: postTranscriptEmail } },
  { pattern: /^\/api\/agent\/queue$/, methods: { GET: getQueue } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/accept$/, methods: { POST: postAccept } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/transfer$/, methods: { POST: postTransfer } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/return$/, methods: { POST: postReturn } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/escalate$/, methods: { POST: postAgentEscalate } },
  { pattern: /^\/api\/agent\/conversations\/(?<id>[^/]+)\/feedback$/, methods: { GET: getFeedback } },
  { pattern: /^\/files\/(?<id>f_[A-Za-z0-9_-]+)\/[^/]+$/, methods: { GET: getFile, HEAD: getFile } },
  { pattern: /^\/api\/debug\/frames$/, methods: { POST: debugFrames }, debug: true },
  { pattern: /^\/api\/debug\/backdate$/, methods: { POST: debugBackdate }, debug: true },
  { pattern: /^\/api\/debug\/sweep-uploads$/, methods: { POST: debugSweepUploads }, debug: true },
];

/**
 * Runs the API handler of the request, if a route matches its path.
 * @param {Omit<Context, 'params'>} ctx
 * @returns {Promise<boolean>} false when no route matches (static files or 404 are next)
 * @throws {ApiError} 405 `method_not_allowed` for a method the route does not take, or whatever the handler throws
 */
export async function routeApi(ctx) {
  const { req, res, url, deps } = ctx;
  const route = apiRoutes.find((r) => r.pattern.test(url.pathname) && (!r.debug || deps.debugHooks));
  if (!route) return false;
  const handler = route.methods[req.method ?? 'GET'];
  if (!handler) {
    res.setHeader('Allow', [...Object.keys(route.methods), 'OPTIONS'].join(', '));
    throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}.`);
  }
  const params = { ...(route.pattern.exec(url.pathname)?.groups ?? {}) };
  await handler({ ...ctx, params });
  return true;
}

/**
 * The name of the handler a request goes to (e.g. `postVisitorMessage`), or null for paths that
 * are no API route: a label of few values for the request metrics (metrics.js).
 * @param {string | undefined} method
 * @param {string} pathname
 */
export function routeName(method, pathname) {
  const route = apiRoutes.find((r) => r.pattern.test(pathname));
  return route ? (route.methods[method ?? 'GET']?.name ?? 'method_not_allowed') : null;
}
