// @ts-check
/**
 * Agents: their password hashes and token versions (docs/security.md, "Removed agents and
 * tenants": an agent token carries the version; logout, a password change and removal bump it).
 */
import { retryOnConflict } from './sql.js';
import { toAgent } from './rows.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').AgentRow} AgentRow
 * @typedef {import('../types.js').Agent} Agent
 * @typedef {'admin' | 'agent'} AgentRole a tenant admin (manages the widget configurations) or a plain agent
 */

/** An agent with whether its tenant is disabled. */
const SELECT_AGENT = 'SELECT a.*, o.disabled_at AS tenant_disabled_at FROM agents a JOIN organizations o ON o.id = a.organization_id';

export class AgentStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
  }

  /**
   * Inserts or updates an agent from the tenants file and enables it. `passwordHash` null keeps
   * the stored hash. With `seedHash` (the file's passwordHash) the stored one is replaced only when
   * the file's changed, and then every token of the agent is revoked (a password change). `role` is
   * the file's too (a tenant admin or a plain agent; default a plain agent), written every time.
   * @param {{ id: string, tenantId: string, email: string, name: string, passwordHash: string | null, seedHash?: string | null,
   *   role?: AgentRole }} agent
   * @returns {Promise<{ created: boolean, passwordChanged: boolean }>}
   * @throws {Error} for a new agent without a password hash (a programming error)
   */
  upsert(agent) {
    // Two nodes seeding the same file at once: the one that loses the insert updates instead.
    return retryOnConflict(() =>
      this.db.transaction(async (tx) => {
        // A removed agent keeps its row; its address is freed for whoever the file gives it now.
        await tx.query(
          `UPDATE agents SET email = email || '#removed-' || id WHERE lower(email) = lower($1) AND id <> $2 AND disabled_at IS NOT NULL`,
          [agent.email, agent.id],
        );
        /** @type {{ seed_hash: string | null } | undefined} */
        const current = await tx.row('SELECT seed_hash FROM agents WHERE id = $1 FOR UPDATE', [agent.id]);
        const seedHash = agent.seedHash ?? null;
        const role = agent.role === 'admin' ? 'admin' : 'agent';
        if (!current) {
          if (agent.passwordHash === null) throw new Error(`agent ${agent.id}: a new agent needs a password hash`);
          await tx.query(
            `INSERT INTO agents (id, organization_id, email, name, password_hash, seed_hash, role) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
            [agent.id, agent.tenantId, agent.email, agent.name, agent.passwordHash, seedHash, role],
          );
          return { created: true, passwordChanged: false };
        }
        const passwordChanged = seedHash !== null && seedHash !== current.seed_hash;
        await tx.query(
          `UPDATE agents SET organization_id = $2, email = $3, name = $4, disabled_at = NULL,
             password_hash = CASE WHEN $5 THEN $6 ELSE password_hash END,
             seed_hash = CASE WHEN $5 THEN $6 ELSE seed_hash END,
             token_version = token_version + CASE WHEN $5 THEN 1 ELSE 0 END,
             role = $7
           WHERE id = $1`,
          [agent.id, agent.tenantId, agent.email, agent.name, passwordChanged, seedHash, role],
        );
        return { created: false, passwordChanged };
      }),
    );
  }

  /**
   * Stores a new hash of the same password (a rehash at a higher cost); tokens stay valid.
   * @param {string} agentId
   * @param {string} passwordHash
   */
  async rehashPassword(agentId, passwordHash) {
    await this.db.query('UPDATE agents SET password_hash = $2 WHERE id = $1', [agentId, passwordHash]);
  }

  /**
   * Ends every token of an agent (logout, "log out everywhere"): bumps its token version.
   * @param {string} agentId
   * @returns {Promise<number | null>} the new version, or null for an unknown agent
   */
  async revokeTokens(agentId) {
    /** @type {{ token_version: number } | undefined} */
    const row = await this.db.row('UPDATE agents SET token_version = token_version + 1 WHERE id = $1 RETURNING token_version', [agentId]);
    return row ? row.token_version : null;
  }

  /**
   * @param {string} email compared without case
   * @returns {Promise<Agent | null>}
   */
  async byEmail(email) {
    /** @type {AgentRow | undefined} */
    const row = await this.db.row(`${SELECT_AGENT} WHERE lower(a.email) = lower($1)`, [email]);
    return row ? toAgent(row) : null;
  }

  /**
   * An agent's role (migration 005; from the tenants file): `admin` may manage the tenant's widget
   * configurations. A plain agent for an unknown id.
   * @param {string} id
   * @returns {Promise<AgentRole>}
   */
  async roleOf(id) {
    /** @type {{ role: string } | undefined} */
    const row = await this.db.row('SELECT role FROM agents WHERE id = $1', [id]);
    return row?.role === 'admin' ? 'admin' : 'agent';
  }

  /**
   * @param {string} id
   * @returns {Promise<Agent | null>}
   */
  async byId(id) {
    /** @type {AgentRow | undefined} */
    const row = await this.db.row(`${SELECT_AGENT} WHERE a.id = $1`, [id]);
    return row ? toAgent(row) : null;
  }
}
