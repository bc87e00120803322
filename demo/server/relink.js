// @ts-check
/**
 * The opt-in fingerprint relink (docs/security.md, "Fingerprint relink"). A session request with
 * a visitor id the server has never seen may take over the conversations of the one anonymous
 * visitor with the same fingerprint and address. The conversations move to the requester's new
 * id and the old id is revoked, so the answer never carries another visitor's credential, and
 * whoever held the old id (an attacker who pre-created it, or the victim of a false match) loses
 * access at once instead of reading along.
 */
import { RateLimiter } from './rate-limit.js';

/** A day, the window of the per-address relink budget. */
const DAY_MS = 24 * 60 * 60 * 1000;

/** Relinks by fingerprint, within the limits. */
export class Relinker {
  /**
   * @param {{ fingerprints: import('./store/fingerprints.js').FingerprintStore, chat: import('./chat.js').ChatService, limits: Pick<import('./limits.js').Limits, 'relinksPerIpPerDay' | 'relinkMinAgeSeconds'> }} deps
   */
  constructor({ fingerprints, chat, limits }) {
    /** @private */
    this.fingerprints = fingerprints;
    /** @private */
    this.chat = chat;
    /** @private */
    this.limits = limits;
    /** @private attempts per tenant and address hash in the last 24 hours */
    this.attempts = new RateLimiter({ limit: limits.relinksPerIpPerDay, windowMs: DAY_MS, what: 'relink attempts' });
  }

  /**
   * Tries to relink the new visitor `visitorId`: when exactly one anonymous visitor of the tenant
   * has this fingerprint and address hash, was seen in the last 24 hours and has a visitor
   * message at least `relinkMinAgeSeconds` old, its conversations move to `visitorId`, its id is
   * revoked, its connections are ended and the agents are told. Each call spends one attempt of
   * the address's daily budget; past the budget nobody is relinked (and nothing tells the caller
   * why, so a miss and a refusal look the same).
   * @param {{ tenantId: string, visitorId: string, fingerprint: string, ipHash: string }} request
   * @returns {Promise<boolean>} whether a relink happened
   */
  async relink({ tenantId, visitorId, fingerprint, ipHash }) {
    // One budget per tenant and address hash; the limit is read each time, like the other limits.
    this.attempts.limit = this.limits.relinksPerIpPerDay;
    try {
      this.attempts.hit(`${tenantId}:${ipHash}`);
    } catch {
      return false;
    }
    const candidates = await this.fingerprints.candidates(tenantId, fingerprint, ipHash, visitorId, this.limits.relinkMinAgeSeconds);
    if (candidates.length !== 1) return false;
    const [previous] = candidates;
    const moved = await this.fingerprints.relink(tenantId, previous, visitorId);
    for (const conversationId of moved) {
      // Sockets and long polls opened with the old id end now (an open socket outlives its token).
      this.chat.hub.publish(tenantId, conversationId, { type: 'revoked', conversationId, visitorId: previous });
      await this.chat.announceConversation(conversationId);
    }
    return moved.length > 0;
  }
}
