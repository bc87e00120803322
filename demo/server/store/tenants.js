// @ts-check
/**
 * Tenants (`organizations`) and their widget configuration, as the tenants file sets them.
 *
 * Every visitor request names its tenant by API key, so tenants read from the database are kept
 * for a few seconds ({@link TENANT_CACHE_MS}); writing tenants (a start, a SIGHUP reload) forgets
 * them at once. Another node's reload reaches this one within that time.
 */
import { VOICE_NOTE_MIME_TYPES } from '../../../src/protocol/limits.js';
import { toTenant } from './rows.js';

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {import('./rows.js').TenantRow} TenantRow
 * @typedef {import('../types.js').Tenant} Tenant
 * @typedef {import('../types.js').WidgetConfig} WidgetConfig
 * @typedef {import('../types.js').WidgetSettings} WidgetSettings
 */

/** Allowed upload types when the tenant configures none. */
export const DEFAULT_ATTACHMENT_TYPES = Object.freeze(['image/*', 'application/pdf', 'text/plain', ...VOICE_NOTE_MIME_TYPES]);
/** Largest upload when the tenant configures none: 10 MiB. */
export const DEFAULT_ATTACHMENT_MAX_SIZE = 10 * 1024 * 1024;
/** How long a tenant (or the absence of one) read from the database is used without asking again. */
export const TENANT_CACHE_MS = 5000;
/** Most entries kept (unknown API keys are kept too, so a flood of them does not reach the database). */
const TENANT_CACHE_SIZE = 10_000;

export class TenantStore {
  /** @param {Database} db */
  constructor(db) {
    /** @private */
    this.db = db;
    /** @private @type {Map<string, { tenant: Promise<Tenant | null>, until: number }>} by `key:<api key>` and `id:<id>` */
    this.cache = new Map();
  }

  /**
   * The cached answer for `key`, or the query's (kept for {@link TENANT_CACHE_MS}).
   * @private
   * @param {string} key
   * @param {() => Promise<Tenant | null>} load
   */
  cached(key, load) {
    const now = Date.now();
    const hit = this.cache.get(key);
    if (hit && hit.until > now) return hit.tenant;
    if (this.cache.size >= TENANT_CACHE_SIZE) this.cache.clear();
    const tenant = load();
    this.cache.set(key, { tenant, until: now + TENANT_CACHE_MS });
    tenant.catch(() => this.cache.delete(key));
    return tenant;
  }

  /**
   * Inserts or updates a tenant and its widget configuration, and enables it.
   * @param {Tenant} tenant
   * @param {WidgetSettings} widget
   */
  async upsert(tenant, widget) {
    this.cache.clear();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO organizations (id, name, api_key, allowed_origins, keyless_embed, identity_secret) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (id) DO UPDATE SET name = $2, api_key = $3, allowed_origins = $4, keyless_embed = $5, identity_secret = $6, disabled_at = NULL`,
        [tenant.id, tenant.name, tenant.apiKey, tenant.allowedOrigins, tenant.keylessEmbed === true, tenant.identitySecret ?? null],
      );
      await tx.query(
        `INSERT INTO widget_configurations (organization_id, theme_color, header_text, welcome_message, away_message, attachment_types, attachment_max_size)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (organization_id) DO UPDATE SET theme_color = $2, header_text = $3,
           welcome_message = $4, away_message = $5, attachment_types = $6, attachment_max_size = $7, updated_at = now()`,
        [
          tenant.id,
          widget.themeColor ?? '#0088FF',
          widget.headerText ?? 'Chat with us',
          widget.welcomeMessage ?? null,
          widget.awayMessage ?? null,
          Array.isArray(widget.attachments?.types) ? widget.attachments.types : null,
          Number.isInteger(widget.attachments?.maxSize) ? widget.attachments?.maxSize : null,
        ],
      );
    });
  }

  /**
   * Disables the tenants and agents that are not in the tenants file any more, and revokes the
   * tokens of those agents. Their rows (and conversations) stay.
   * @param {string[]} tenantIds the tenants in the file
   * @param {string[]} agentIds the agents in the file
   * @returns {Promise<{ tenants: string[], agents: Array<{ id: string, tenantId: string }> }>} what was disabled now
   */
  async disableMissing(tenantIds, agentIds) {
    this.cache.clear();
    return this.db.transaction(async (tx) => {
      /** @type {Array<{ id: string }>} */
      const tenants = await tx.rows(
        'UPDATE organizations SET disabled_at = now() WHERE disabled_at IS NULL AND NOT (id = ANY($1)) RETURNING id',
        [tenantIds],
      );
      /** @type {Array<{ id: string, organization_id: string }>} */
      const agents = await tx.rows(
        `UPDATE agents SET disabled_at = now(), token_version = token_version + 1
          WHERE disabled_at IS NULL AND NOT (id = ANY($1)) RETURNING id, organization_id`,
        [agentIds],
      );
      return { tenants: tenants.map((row) => row.id), agents: agents.map((row) => ({ id: row.id, tenantId: row.organization_id })) };
    });
  }

  /**
   * The enabled tenant of a public API key, or of the keyless form `tenant:<id>` when that tenant
   * allows keyless embedding (docs/protocol.md).
   * @param {string} apiKey
   * @returns {Promise<Tenant | null>}
   */
  byApiKey(apiKey) {
    return this.cached(`key:${apiKey}`, async () => {
      const keyless = apiKey.startsWith('tenant:');
      /** @type {TenantRow | undefined} */
      const row = await this.db.row(
        keyless
          ? 'SELECT * FROM organizations WHERE id = $1 AND keyless_embed AND disabled_at IS NULL'
          : 'SELECT * FROM organizations WHERE api_key = $1 AND disabled_at IS NULL',
        [keyless ? apiKey.slice('tenant:'.length) : apiKey],
      );
      return row ? toTenant(row) : null;
    });
  }

  /**
   * A tenant, enabled or not.
   * @param {string} id
   * @returns {Promise<Tenant | null>}
   */
  byId(id) {
    return this.cached(`id:${id}`, async () => {
      /** @type {TenantRow | undefined} */
      const row = await this.db.row('SELECT * FROM organizations WHERE id = $1', [id]);
      return row ? toTenant(row) : null;
    });
  }

  /**
   * The tenant's widget configuration, with the defaults for what it does not set.
   * @param {string} tenantId
   * @returns {Promise<WidgetConfig>}
   */
  async widgetConfig(tenantId) {
    /** @type {{ header_text: string, welcome_message: string | null, theme_color: string, away_message: string | null, attachment_types: string[] | null, attachment_max_size: number | null } | undefined} */
    const row = await this.db.row(
      `SELECT header_text, welcome_message, theme_color, away_message, attachment_types, attachment_max_size
         FROM widget_configurations WHERE organization_id = $1 AND is_active`,
      [tenantId],
    );
    return {
      headerText: row?.header_text ?? 'Chat with us',
      welcomeMessage: row?.welcome_message ?? null,
      themeColor: row?.theme_color ?? '#0088FF',
      awayMessage: row?.away_message ?? null,
      attachments: {
        maxSize: row?.attachment_max_size ?? DEFAULT_ATTACHMENT_MAX_SIZE,
        types: row?.attachment_types ?? [...DEFAULT_ATTACHMENT_TYPES],
      },
    };
  }
}
