// @ts-check
/**
 * Credentials: agent password hashing (scrypt), session and agent tokens (HS256 JWTs via jose),
 * and the bearer header parsing shared by every route.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ApiError, rateLimited } from './errors.js';

/**
 * @typedef {{ ln: number, r: number, p: number }} ScryptCost `N = 2^ln`
 */

/** OWASP's minimum for scrypt (Password Storage Cheat Sheet): N = 2^17, r = 8, p = 1 (128 MiB). */
export const SCRYPT_COST = /** @type {Readonly<ScryptCost>} */ (Object.freeze({ ln: 17, r: 8, p: 1 }));
/** What hashes without parameters (`scrypt$salt$key`, before this format) were made with: Node's defaults. */
const LEGACY_COST = /** @type {Readonly<ScryptCost>} */ (Object.freeze({ ln: 14, r: 8, p: 1 }));

/**
 * @param {string} password
 * @param {Buffer} salt
 * @param {number} keylen
 * @param {ScryptCost} cost
 * @returns {Promise<Buffer>}
 */
function scrypt(password, salt, keylen, { ln, r, p }) {
  const N = 2 ** ln;
  // scrypt needs 128·N·r bytes; Node refuses anything over maxmem (32 MiB by default).
  const maxmem = 2 * 128 * N * r;
  return new Promise((resolve, reject) =>
    scryptCallback(password, salt, keylen, { N, r, p, maxmem }, (error, key) => (error ? reject(error) : resolve(key))),
  );
}

/**
 * Splits a stored hash: `scrypt$ln=17,r=8,p=1$<salt b64>$<key b64>`, or the legacy
 * `scrypt$<salt b64>$<key b64>` (N = 2^14). Null when it is neither.
 * @param {string} stored
 * @returns {{ cost: ScryptCost, salt: Buffer, key: Buffer } | null}
 */
export function parsePasswordHash(stored) {
  const parts = String(stored).split('$');
  if (parts[0] !== 'scrypt') return null;
  let cost = LEGACY_COST;
  if (parts.length === 4) {
    const match = /^ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})$/.exec(parts[1]);
    if (!match) return null;
    cost = { ln: Number(match[1]), r: Number(match[2]), p: Number(match[3]) };
    // Bounds that keep a hand-edited hash from asking for gigabytes or nothing at all.
    if (cost.ln < 10 || cost.ln > 20 || cost.r < 1 || cost.r > 16 || cost.p < 1 || cost.p > 4) return null;
  } else if (parts.length !== 3) {
    return null;
  }
  const [saltB64, keyB64] = parts.slice(-2);
  const salt = Buffer.from(saltB64, 'base64');
  const key = Buffer.from(keyB64, 'base64');
  if (salt.length < 16 || key.length < 16) return null;
  return { cost, salt, key };
}

/**
 * Hashes a password at {@link SCRYPT_COST} with a random 16-byte salt, as
 * `scrypt$ln=17,r=8,p=1$<salt b64>$<key b64>`. Prefer {@link PasswordHasher#hash}, which caps how
 * many run at once; this is for tools that hash one password.
 * @param {string} password
 * @param {ScryptCost} [cost]
 */
export async function hashPassword(password, cost = SCRYPT_COST) {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32, cost);
  return `scrypt$ln=${cost.ln},r=${cost.r},p=${cost.p}$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a password against a stored hash, in constant time. `rehash` is true when the hash was
 * made at a lower cost than {@link SCRYPT_COST}: the caller stores a new hash after a success.
 * @param {string} password
 * @param {string} stored
 * @returns {Promise<{ ok: boolean, rehash: boolean }>}
 */
export async function verifyPassword(password, stored) {
  const parsed = parsePasswordHash(stored);
  if (!parsed) return { ok: false, rehash: false };
  const actual = await scrypt(password, parsed.salt, parsed.key.length, parsed.cost);
  const ok = timingSafeEqual(parsed.key, actual);
  const { ln, r, p } = parsed.cost;
  return { ok, rehash: ok && (ln < SCRYPT_COST.ln || r < SCRYPT_COST.r || p < SCRYPT_COST.p) };
}

/**
 * A well-formed hash at the current cost that no password matches: checked for unknown e-mail
 * addresses, so an answer takes as long whether the account exists or not.
 */
export const DUMMY_PASSWORD_HASH = `scrypt$ln=${SCRYPT_COST.ln},r=${SCRYPT_COST.r},p=${SCRYPT_COST.p}$${Buffer.alloc(16).toString('base64')}$${Buffer.alloc(32).toString('base64')}`;

/**
 * Runs password hashes a few at a time. scrypt at OWASP's cost takes a thread of libuv's pool
 * (4 threads, shared with file reads) and 128 MiB for about half a second; without a cap a login
 * flood fills the pool and the widget script waits seconds behind it. At most `concurrency` hash
 * at once, at most `queue` wait; the rest are answered `429 rate_limited` (`Retry-After: 1`) at
 * once, without hashing.
 */
export class PasswordHasher {
  /**
   * @param {{ concurrency?: number, queue?: number }} [options]
   */
  constructor({ concurrency = 2, queue = 32 } = {}) {
    this.concurrency = Math.max(1, concurrency);
    this.queue = Math.max(0, queue);
    /** Hashes running now. */
    this.running = 0;
    /** @private @type {Array<() => void>} */
    this.waiting = [];
  }

  /** Hashes waiting for a slot. */
  get queued() {
    return this.waiting.length;
  }

  /**
   * @param {string} password
   * @returns {Promise<string>}
   */
  hash(password) {
    return this.run(() => hashPassword(password));
  }

  /**
   * @param {string} password
   * @param {string} stored
   * @returns {Promise<{ ok: boolean, rehash: boolean }>}
   */
  verify(password, stored) {
    return this.run(() => verifyPassword(password, stored));
  }

  /**
   * @private
   * @template T
   * @param {() => Promise<T>} task
   * @returns {Promise<T>}
   * @throws {ApiError} 429 `rate_limited` when the queue is full
   */
  async run(task) {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) {
        throw rateLimited('The server is busy checking other logins; retry in 1 s.', 1);
      }
      await new Promise((resolve) => this.waiting.push(() => resolve(undefined)));
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      // Hand the slot straight to the next waiter (running stays the same), or free it.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

/**
 * The token in an `Authorization: Bearer <token>` header, or null.
 * @param {string | undefined} header
 */
export function bearer(header) {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match ? match[1] : null;
}

/**
 * @typedef {{ kind: 'visitor', tenantId: string, visitorId: string, conversationId: string, userId?: string, widgetId?: string }} VisitorClaims
 *   `userId` is set when the session was opened with a verified userToken; `widgetId` when the
 *   conversation was started through a widget configuration (its rules apply: routes/widget-access.js).
 * @typedef {{ kind: 'agent', tenantId: string, agentId: string, version: number }} AgentClaims
 *   `version` is the agent's token version when the token was signed; logout, a password change
 *   and removal bump the stored one, which ends every older token (docs/security.md).
 */

/** Verified tokens remembered (TokenService): about 2 MB at most. */
const VERIFIED_TOKENS = 5_000;

/** Signs and verifies the two kinds of tokens; the `typ` claim keeps them from being swapped. */
export class TokenService {
  /**
   * @param {{ secret: string, sessionTtlSeconds: number, agentTtlSeconds: number }} options
   */
  constructor({ secret, sessionTtlSeconds, agentTtlSeconds }) {
    /** @private */
    this.key = new TextEncoder().encode(secret);
    this.sessionTtlSeconds = sessionTtlSeconds;
    this.agentTtlSeconds = agentTtlSeconds;
    /**
     * @private @type {Map<string, import('jose').JWTPayload>} tokens whose signature checked out
     * → their claims. A token is immutable and its signature verifies forever, so checking it
     * again per request (an agent's every reply, a visitor's every socket) is spent CPU (an HMAC
     * through WebCrypto's thread pool); only the expiry is read again each time.
     */
    this.verified = new Map();
  }

  /**
   * @param {Omit<VisitorClaims, 'kind'>} claims
   * @returns {Promise<{ token: string, expiresAt: string }>}
   */
  signVisitor({ tenantId, visitorId, conversationId, userId, widgetId }) {
    const claims = {
      typ: 'visitor',
      tid: tenantId,
      cid: conversationId,
      ...(userId ? { uid: userId } : {}),
      ...(widgetId ? { wid: widgetId } : {}),
    };
    return this.sign(claims, visitorId, this.sessionTtlSeconds);
  }

  /**
   * @param {Omit<AgentClaims, 'kind'>} claims
   * @returns {Promise<{ token: string, expiresAt: string }>}
   */
  signAgent({ tenantId, agentId, version }) {
    return this.sign({ typ: 'agent', tid: tenantId, ver: version }, agentId, this.agentTtlSeconds);
  }

  /**
   * Verifies a visitor session token.
   * @param {string | null | undefined} token
   * @returns {Promise<VisitorClaims>}
   * @throws {ApiError} 401 `invalid_token` or `token_expired`
   */
  async verifyVisitor(token) {
    const payload = await this.verify(token, 'visitor');
    if (
      typeof payload.cid !== 'string' ||
      (payload.uid !== undefined && typeof payload.uid !== 'string') ||
      (payload.wid !== undefined && typeof payload.wid !== 'string')
    )
      throw invalidToken();
    /** @type {VisitorClaims} */
    const claims = { kind: 'visitor', tenantId: String(payload.tid), visitorId: String(payload.sub), conversationId: payload.cid };
    if (typeof payload.uid === 'string') claims.userId = payload.uid;
    if (typeof payload.wid === 'string') claims.widgetId = payload.wid;
    return claims;
  }

  /**
   * Verifies an agent token.
   * @param {string | null | undefined} token
   * @returns {Promise<AgentClaims>}
   * @throws {ApiError} 401 `invalid_token` or `token_expired`
   */
  async verifyAgent(token) {
    const payload = await this.verify(token, 'agent');
    // Tokens from before token versions existed carry none: they are as good as revoked.
    if (!Number.isInteger(payload.ver)) throw invalidToken('Token has been revoked; log in again.');
    return { kind: 'agent', tenantId: String(payload.tid), agentId: String(payload.sub), version: Number(payload.ver) };
  }

  /**
   * @private
   * @param {Record<string, string | number>} claims
   * @param {string} subject
   * @param {number} ttlSeconds
   */
  async sign(claims, subject, ttlSeconds) {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + ttlSeconds;
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(subject)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000).toISOString() };
  }

  /**
   * @private
   * @param {string | null | undefined} token
   * @param {'visitor' | 'agent'} typ
   */
  async verify(token, typ) {
    if (!token) throw invalidToken('Session token is missing.');
    const known = this.verified.get(token);
    if (known) {
      if (typeof known.exp === 'number' && known.exp <= Date.now() / 1000) {
        this.verified.delete(token);
        throw new ApiError(401, 'token_expired', 'Token has expired.');
      }
      if (known.typ !== typ) throw invalidToken();
      return known;
    }
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (payload.typ !== typ || typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw invalidToken();
      if (this.verified.size >= VERIFIED_TOKENS) this.verified.clear();
      this.verified.set(token, payload);
      return payload;
    } catch (error) {
      if (error instanceof ApiError) throw error;
      if (error instanceof joseErrors.JWTExpired) throw new ApiError(401, 'token_expired', 'Token has expired.');
      throw invalidToken();
    }
  }
}

function invalidToken(message = 'Token is invalid.') {
  return new ApiError(401, 'invalid_token', message);
}
