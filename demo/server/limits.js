// @ts-check
/**
 * The reference backend's abuse limits beyond the per-minute rate limits (docs/security.md,
 * "Limits"): concurrent connections, WebSocket replays and typing, fingerprint relinks, upload
 * storage. One place holds the numbers, their environment variables and the counter of open
 * connections; the modules that enforce them read them from here.
 */
import { rateLimited } from './errors.js';
import { RateLimiter } from './rate-limit.js';
import { Relinker } from './relink.js';
import { UploadStorage } from './uploads.js';

const MIB = 1024 * 1024;

/**
 * Default limits.
 * - `connectionsPerIp` / `connectionsPerSubject`: concurrent WebSockets plus long polls per client
 *   address and per token subject (a visitor id or an agent); the next one is refused (close
 *   `4429` / `429 rate_limited` with `Retry-After`).
 * - `replayMaxMessages`: most messages one `sync` frame (or `after=` on connect) replays.
 * - `typingIntervalMs`: typing signals are coalesced to at most one per this interval per sender
 *   and conversation.
 * - `relinksPerIpPerDay`: fingerprint relink attempts (sessions with a fingerprint and a visitor id
 *   the server has never seen) per client address and tenant in 24 hours; past it nobody is relinked.
 * - `relinkMinAgeSeconds`: a conversation is offered for relink only once its first visitor message
 *   is at least this old.
 * - `visitorStorageBytes` / `tenantStorageBytes`: bytes of uploaded files kept per visitor (or
 *   user) and per tenant; an upload past either is `413 quota_exceeded`.
 * - `unattachedFileSeconds`: an upload no message references is deleted after this long; the sweep
 *   runs every `sweepIntervalSeconds`.
 * - `assistantPerVisitor` / `assistantPerIp`: the assistant's visitor requests (escalate, stop,
 *   feedback, rating, transcript download and e-mail) a minute, per visitor (or user) and kind of
 *   request, and per client address and tenant over all of them; past either `429 rate_limited`.
 * - `transcriptEmailsPerConversation` (an hour), `transcriptEmailsPerAddress` (a day, per
 *   recipient over every tenant), `transcriptEmailsPerIp` (an hour, per client address and
 *   tenant), `transcriptEmailsPerTenant` (an hour): transcript e-mails; past any `429`. A request
 *   refused for any reason (bad address, open conversation, another limit) counts toward none.
 */
export const DEFAULT_LIMITS = Object.freeze({
  connectionsPerIp: 200,
  connectionsPerSubject: 8,
  replayMaxMessages: 1000,
  typingIntervalMs: 1000,
  relinksPerIpPerDay: 20,
  relinkMinAgeSeconds: 600,
  visitorStorageBytes: 50 * MIB,
  tenantStorageBytes: 2048 * MIB,
  unattachedFileSeconds: 3600,
  sweepIntervalSeconds: 600,
  assistantPerVisitor: 20,
  assistantPerIp: 120,
  transcriptEmailsPerConversation: 3,
  transcriptEmailsPerAddress: 3,
  transcriptEmailsPerIp: 10,
  transcriptEmailsPerTenant: 100,
});

/** @typedef {{ -readonly [K in keyof typeof DEFAULT_LIMITS]: number }} Limits */

/** Environment variable of each limit (main.js). */
export const LIMIT_ENV = Object.freeze({
  connectionsPerIp: 'MAX_CONNECTIONS_PER_IP',
  connectionsPerSubject: 'MAX_CONNECTIONS_PER_TOKEN',
  replayMaxMessages: 'MAX_REPLAY_MESSAGES',
  typingIntervalMs: 'TYPING_INTERVAL_MS',
  relinksPerIpPerDay: 'RATE_RELINKS_PER_IP_DAY',
  relinkMinAgeSeconds: 'RELINK_MIN_AGE_SECONDS',
  visitorStorageBytes: 'QUOTA_VISITOR_BYTES',
  tenantStorageBytes: 'QUOTA_TENANT_BYTES',
  unattachedFileSeconds: 'UNATTACHED_FILE_SECONDS',
  sweepIntervalSeconds: 'SWEEP_INTERVAL_SECONDS',
  assistantPerVisitor: 'RATE_ASSISTANT_PER_VISITOR',
  assistantPerIp: 'RATE_ASSISTANT_PER_IP',
  transcriptEmailsPerConversation: 'RATE_TRANSCRIPT_EMAILS_PER_CONVERSATION',
  transcriptEmailsPerAddress: 'RATE_TRANSCRIPT_EMAILS_PER_ADDRESS_DAY',
  transcriptEmailsPerIp: 'RATE_TRANSCRIPT_EMAILS_PER_IP',
  transcriptEmailsPerTenant: 'RATE_TRANSCRIPT_EMAILS_PER_TENANT',
});

/**
 * The limits set in the environment (non-negative integers); throws naming the first bad one.
 * @param {Record<string, string | undefined>} env
 * @returns {Partial<Limits>}
 */
export function limitsFromEnv(env) {
  /** @type {Partial<Limits>} */
  const limits = {};
  for (const [key, name] of /** @type {Array<[keyof Limits, string]>} */ (Object.entries(LIMIT_ENV))) {
    const raw = env[name];
    if (raw === undefined || raw === '') continue;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    limits[key] = value;
  }
  return limits;
}

/** Close code of a WebSocket refused for too many connections (docs/protocol.md). */
export const CLOSE_TOO_MANY = 4429;
/** Seconds a client refused for too many connections is told to wait. */
export const CONNECTION_RETRY_AFTER = 5;

/**
 * Counts open WebSockets and long polls per client address and per token subject, against
 * {@link Limits.connectionsPerIp} and {@link Limits.connectionsPerSubject} (read on every call,
 * so a changed limit applies to the next connection).
 */
export class ConnectionLimiter {
  /** @param {Pick<Limits, 'connectionsPerIp' | 'connectionsPerSubject'>} limits */
  constructor(limits) {
    /** @private */
    this.limits = limits;
    /** @private @type {Map<string, number>} */
    this.open = new Map();
  }

  /**
   * Counts one connection of `ip` and `subject` until the returned release function is called
   * (calling it again does nothing).
   * @param {string} ip
   * @param {string} subject e.g. `demo:visitor:<id>` or `demo:agent:<id>`
   * @returns {() => void}
   * @throws {ApiError} 429 `rate_limited` (with `retryAfter`) when either count is at its limit
   */
  acquire(ip, subject) {
    const ipKey = `ip:${ip}`;
    const subjectKey = `sub:${subject}`;
    if ((this.open.get(ipKey) ?? 0) >= this.limits.connectionsPerIp) throw tooMany('this address');
    if ((this.open.get(subjectKey) ?? 0) >= this.limits.connectionsPerSubject) throw tooMany('this token');
    this.bump(ipKey, 1);
    this.bump(subjectKey, 1);
    let held = true;
    return () => {
      if (!held) return;
      held = false;
      this.bump(ipKey, -1);
      this.bump(subjectKey, -1);
    };
  }

  /**
   * Open connections counted for a key (`ip:<address>` or `sub:<subject>`); for tests and metrics.
   * @param {string} key
   */
  count(key) {
    return this.open.get(key) ?? 0;
  }

  /** All open connections (each is counted once under its `ip:` key); for /metrics. */
  total() {
    let n = 0;
    for (const [key, count] of this.open) if (key.startsWith('ip:')) n += count;
    return n;
  }

  /**
   * @private
   * @param {string} key
   * @param {number} delta
   */
  bump(key, delta) {
    const next = (this.open.get(key) ?? 0) + delta;
    if (next > 0) this.open.set(key, next);
    else this.open.delete(key);
  }
}

/** @param {string} what */
function tooMany(what) {
  return rateLimited(`Too many open connections from ${what}; close one or retry in ${CONNECTION_RETRY_AFTER} s.`, CONNECTION_RETRY_AFTER);
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * The rate limits of the assistant's visitor requests and of transcript e-mails
 * ({@link DEFAULT_LIMITS}); routes/assistant.js counts them.
 * @typedef {{
 *   assistantPerVisitor: RateLimiter, assistantPerIp: RateLimiter,
 *   emailsPerConversation: RateLimiter, emailsPerAddress: RateLimiter, emailsPerIp: RateLimiter, emailsPerTenant: RateLimiter,
 * }} AssistantRates
 */

/**
 * @param {Limits} limits
 * @returns {AssistantRates}
 */
function assistantRates(limits) {
  return {
    assistantPerVisitor: new RateLimiter({ limit: limits.assistantPerVisitor, what: 'requests of this kind from this visitor' }),
    assistantPerIp: new RateLimiter({ limit: limits.assistantPerIp, what: 'assistant requests from this address' }),
    emailsPerConversation: new RateLimiter({
      limit: limits.transcriptEmailsPerConversation,
      windowMs: HOUR,
      what: 'transcript e-mails for this conversation',
    }),
    emailsPerAddress: new RateLimiter({
      limit: limits.transcriptEmailsPerAddress,
      windowMs: DAY,
      what: 'transcript e-mails to this address',
    }),
    emailsPerIp: new RateLimiter({ limit: limits.transcriptEmailsPerIp, windowMs: HOUR, what: 'transcript e-mails from this address' }),
    emailsPerTenant: new RateLimiter({
      limit: limits.transcriptEmailsPerTenant,
      windowMs: HOUR,
      what: 'transcript e-mails from this site',
    }),
  };
}

/**
 * @typedef {{
 *   limits: Limits,
 *   connections: ConnectionLimiter,
 *   relinker: Relinker,
 *   uploads: UploadStorage,
 *   assistant: AssistantRates,
 * }} Guards
 *   What the routes and sockets consult: `limits` are the current numbers (read on every check;
 *   the `assistant` rate limiters take theirs when the server starts).
 */

/**
 * Builds the guards of one server from its limits (defaults for those not given).
 * @param {{ store: import('./store/index.js').Store, chat: import('./chat.js').ChatService, filesDir: string, limits?: Partial<Limits> }} options
 * @returns {Guards}
 */
export function createGuards({ store, chat, filesDir, limits: overrides = {} }) {
  /** @type {Limits} */
  const limits = { ...DEFAULT_LIMITS, ...overrides };
  return {
    limits,
    connections: new ConnectionLimiter(limits),
    relinker: new Relinker({ fingerprints: store.fingerprints, chat, limits }),
    uploads: new UploadStorage({ files: store.files, filesDir, limits }),
    assistant: assistantRates(limits),
  };
}
