// @ts-check
/**
 * Credentials: agent password hashing (scrypt), session and agent tokens (HS256 JWTs via jose),
 * and the bearer header parsing shared by every route.
 */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { ApiError } from './http-util.js';

const scrypt = /** @type {(password: string, salt: Buffer, keylen: number) => Promise<Buffer>} */ (promisify(scryptCallback));

/**
 * Hashes a password as `scrypt$<salt b64>$<key b64>` with a random 16-byte salt.
 * @param {string} password
 */
export async function hashPassword(password) {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, 32);
  return `scrypt$${salt.toString('base64')}$${key.toString('base64')}`;
}

/**
 * Checks a password against a hash made by {@link hashPassword}, in constant time.
 * @param {string} password
 * @param {string} stored
 */
export async function verifyPassword(password, stored) {
  const [scheme, saltB64, keyB64] = stored.split('$');
  if (scheme !== 'scrypt' || !saltB64 || !keyB64) return false;
  const expected = Buffer.from(keyB64, 'base64');
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length);
  return timingSafeEqual(expected, actual);
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
 * @typedef {{ kind: 'visitor', tenantId: string, visitorId: string, conversationId: string, userId?: string }} VisitorClaims
 *   `userId` is set when the session was opened with a verified userToken.
 * @typedef {{ kind: 'agent', tenantId: string, agentId: string }} AgentClaims
 */

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
  }

  /**
   * @param {Omit<VisitorClaims, 'kind'>} claims
   * @returns {Promise<{ token: string, expiresAt: string }>}
   */
  signVisitor({ tenantId, visitorId, conversationId, userId }) {
    const claims = { typ: 'visitor', tid: tenantId, cid: conversationId, ...(userId ? { uid: userId } : {}) };
    return this.sign(claims, visitorId, this.sessionTtlSeconds);
  }

  /**
   * @param {Omit<AgentClaims, 'kind'>} claims
   * @returns {Promise<{ token: string, expiresAt: string }>}
   */
  signAgent({ tenantId, agentId }) {
    return this.sign({ typ: 'agent', tid: tenantId }, agentId, this.agentTtlSeconds);
  }

  /**
   * Verifies a visitor session token.
   * @param {string | null | undefined} token
   * @returns {Promise<VisitorClaims>}
   * @throws {ApiError} 401 `invalid_token` or `token_expired`
   */
  async verifyVisitor(token) {
    const payload = await this.verify(token, 'visitor');
    if (typeof payload.cid !== 'string' || (payload.uid !== undefined && typeof payload.uid !== 'string')) throw invalidToken();
    /** @type {VisitorClaims} */
    const claims = { kind: 'visitor', tenantId: String(payload.tid), visitorId: String(payload.sub), conversationId: payload.cid };
    if (typeof payload.uid === 'string') claims.userId = payload.uid;
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
    return { kind: 'agent', tenantId: String(payload.tid), agentId: String(payload.sub) };
  }

  /**
   * @private
   * @param {Record<string, string>} claims
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
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'] });
      if (payload.typ !== typ || typeof payload.sub !== 'string' || typeof payload.tid !== 'string') throw invalidToken();
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
