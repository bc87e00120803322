// @ts-check
/**
 * The opt-in coarse fingerprints of anonymous visitors (with an HMAC of the client IP, never the
 * IP) and the relink they allow (docs/security.md, "Fingerprint relink"): moving a visitor's
 * conversations to a new visitor id and revoking the old one.
 */

/** @typedef {import('./sql.js').Database} Database */

/** How long a stored fingerprint may relink a visitor. */
const FINGERPRINT_WINDOW = '24 hours';

export class FingerprintStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * Whether the tenant has ever seen this visitor id (a conversation, a stored fingerprint, or a
   * relink that revoked it).
   * @param {string} tenantId
   * @param {string} visitorId
   */
  async isKnownVisitor(tenantId, visitorId) {
    const row = await this.db.row(
      `SELECT 1 FROM chat_sessions WHERE organization_id = $1 AND visitor_id = $2
       UNION ALL SELECT 1 FROM visitor_fingerprints WHERE organization_id = $1 AND visitor_id = $2
       UNION ALL SELECT 1 FROM revoked_visitors WHERE organization_id = $1 AND visitor_id = $2 LIMIT 1`,
      [tenantId, visitorId],
    );
    return row !== undefined;
  }

  /**
   * The anonymous visitors of the tenant whose stored fingerprint and IP hash match, seen within
   * the last 24 hours, who still have a conversation no user owns with a visitor message at least
   * `minAgeSeconds` old (at most two: the caller only needs to know whether exactly one matches).
   * @param {string} tenantId
   * @param {string} fingerprint
   * @param {string} ipHash
   * @param {string} exceptVisitorId
   * @param {number} minAgeSeconds
   * @returns {Promise<string[]>}
   */
  async candidates(tenantId, fingerprint, ipHash, exceptVisitorId, minAgeSeconds) {
    /** @type {Array<{ visitor_id: string }>} */
    const rows = await this.db.rows(
      `SELECT f.visitor_id FROM visitor_fingerprints f
        WHERE f.organization_id = $1 AND f.fingerprint = $2 AND f.ip_hash = $3 AND f.visitor_id <> $4
          AND f.seen_at > now() - interval '${FINGERPRINT_WINDOW}'
          AND EXISTS (
            SELECT 1 FROM chat_sessions s JOIN chat_messages m ON m.chat_session_id = s.id
             WHERE s.organization_id = f.organization_id AND s.visitor_id = f.visitor_id AND s.user_id IS NULL
               AND m.sender_type = 'visitor' AND m.created_at <= now() - make_interval(secs => $5))
        LIMIT 2`,
      [tenantId, fingerprint, ipHash, exceptVisitorId, minAgeSeconds],
    );
    return rows.map((row) => row.visitor_id);
  }

  /**
   * Moves every anonymous conversation of `fromVisitorId` to `toVisitorId` (marked relinked),
   * forgets the old id's fingerprint and revokes the old id, in one transaction.
   * @param {string} tenantId
   * @param {string} fromVisitorId
   * @param {string} toVisitorId
   * @returns {Promise<string[]>} the moved conversations' ids
   */
  async relink(tenantId, fromVisitorId, toVisitorId) {
    return this.db.transaction(async (tx) => {
      /** @type {Array<{ id: string }>} */
      const moved = await tx.rows(
        `UPDATE chat_sessions SET visitor_id = $3, relinked_at = now(), relink_count = relink_count + 1, updated_at = now()
          WHERE organization_id = $1 AND visitor_id = $2 AND user_id IS NULL RETURNING id`,
        [tenantId, fromVisitorId, toVisitorId],
      );
      await tx.query('DELETE FROM visitor_fingerprints WHERE organization_id = $1 AND visitor_id = $2', [tenantId, fromVisitorId]);
      await tx.query('INSERT INTO revoked_visitors (organization_id, visitor_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [
        tenantId,
        fromVisitorId,
      ]);
      return moved.map((row) => row.id);
    });
  }

  /**
   * Stores (or refreshes) an anonymous visitor's fingerprint and IP hash.
   * @param {string} tenantId
   * @param {string} visitorId
   * @param {string} fingerprint
   * @param {string} ipHash
   */
  async remember(tenantId, visitorId, fingerprint, ipHash) {
    await this.db.query(
      `INSERT INTO visitor_fingerprints (organization_id, visitor_id, fingerprint, ip_hash) VALUES ($1, $2, $3, $4)
       ON CONFLICT (organization_id, visitor_id) DO UPDATE SET fingerprint = $3, ip_hash = $4, seen_at = now()`,
      [tenantId, visitorId, fingerprint, ipHash],
    );
  }

  /**
   * Deletes a visitor's stored fingerprint (`POST /api/chat/forget`).
   * @param {string} tenantId
   * @param {string} visitorId
   */
  async forget(tenantId, visitorId) {
    await this.db.query('DELETE FROM visitor_fingerprints WHERE organization_id = $1 AND visitor_id = $2', [tenantId, visitorId]);
  }
}
