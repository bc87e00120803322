// @ts-check
/**
 * Widget configurations (migration 004, docs/protocol.md "Widget configurations"): several per
 * tenant, each with a public id. Read on every request that uses the keyless form `widget:<id>`,
 * so reads are kept for a few seconds (a change applies within that time; writes clear it).
 */

/**
 * @typedef {import('./sql.js').Database} Database
 * @typedef {{
 *   id: string, tenantId: string, name: string, settings: Record<string, unknown>,
 *   allowedDomains: string[], active: boolean, version: number, updatedAt: string,
 * }} Widget
 * @typedef {{ id: string, organization_id: string, name: string, settings: Record<string, unknown> | null,
 *   allowed_domains: string[], is_active: boolean, version: number, updated_at: Date | string }} WidgetRow
 */

const CACHE_MS = 5_000;

/** @param {WidgetRow} row @returns {Widget} */
const toWidget = (row) => ({
  id: row.id,
  tenantId: row.organization_id,
  name: row.name,
  settings: row.settings ?? {},
  allowedDomains: row.allowed_domains ?? [],
  active: row.is_active,
  version: row.version,
  updatedAt: new Date(row.updated_at).toISOString(),
});

export class WidgetStore {
  /** @param {Database} db */
  constructor(db) {
    this.db = db;
    /** @type {Map<string, { widget: Promise<Widget | null>, until: number }>} */
    this.cache = new Map();
    /**
     * conversation id → the widget it was started through: kept for good once set (it never
     * changes), "none" for {@link CACHE_MS} (a session through a widget may set it, on any node).
     * @type {Map<string, { widgetId: string | null, until: number }>}
     */
    this.bound = new Map();
  }

  /**
   * @param {string} conversationId
   * @param {string | null | undefined} widgetId
   */
  remember(conversationId, widgetId) {
    if (this.bound.size >= 10_000) this.bound.clear();
    this.bound.set(conversationId, { widgetId: widgetId ?? null, until: widgetId ? Infinity : Date.now() + CACHE_MS });
    return widgetId ?? null;
  }

  /**
   * The widget a conversation was started through, if any.
   * @param {string} conversationId
   * @returns {Promise<string | null>}
   */
  async ofConversation(conversationId) {
    const known = this.bound.get(conversationId);
    if (known && known.until > Date.now()) return known.widgetId;
    /** @type {{ widget_id: string | null } | undefined} */
    const row = await this.db.row('SELECT widget_id FROM chat_sessions WHERE id = $1', [conversationId]);
    return this.remember(conversationId, row?.widget_id);
  }

  /**
   * A widget by its public id (cached {@link CACHE_MS}).
   * @param {string} id
   * @returns {Promise<Widget | null>}
   */
  byId(id) {
    const now = Date.now();
    const hit = this.cache.get(id);
    if (hit && hit.until > now) return hit.widget;
    if (this.cache.size >= 1000) this.cache.clear();
    const widget = this.db
      .row('SELECT * FROM widgets WHERE id = $1', [id])
      .then((row) => (row ? toWidget(/** @type {WidgetRow} */ (row)) : null));
    this.cache.set(id, { widget, until: now + CACHE_MS });
    widget.catch(() => this.cache.delete(id));
    return widget;
  }

  /**
   * The tenant's widgets, by name.
   * @param {string} tenantId
   * @returns {Promise<Widget[]>}
   */
  async list(tenantId) {
    /** @type {WidgetRow[]} */
    const rows = await this.db.rows('SELECT * FROM widgets WHERE organization_id = $1 ORDER BY name, id', [tenantId]);
    return rows.map(toWidget);
  }

  /**
   * @param {string} tenantId
   * @param {{ id: string, name: string, settings: Record<string, unknown>, allowedDomains: string[], active: boolean }} input
   * @returns {Promise<Widget>}
   */
  async create(tenantId, input) {
    /** @type {WidgetRow | undefined} */
    const row = await this.db.row(
      `INSERT INTO widgets (id, organization_id, name, settings, allowed_domains, is_active) VALUES ($1, $2, $3, $4, $5, $6) RETURNING *`,
      [input.id, tenantId, input.name, JSON.stringify(input.settings), input.allowedDomains, input.active],
    );
    return toWidget(/** @type {WidgetRow} */ (row));
  }

  /**
   * Replaces a widget's configuration (of this tenant only); null when there is none.
   * @param {string} tenantId
   * @param {string} id
   * @param {{ name: string, settings: Record<string, unknown>, allowedDomains: string[], active: boolean }} input
   * @returns {Promise<Widget | null>}
   */
  async update(tenantId, id, input) {
    this.cache.delete(id);
    /** @type {WidgetRow | undefined} */
    const row = await this.db.row(
      `UPDATE widgets SET name = $3, settings = $4, allowed_domains = $5, is_active = $6, version = version + 1, updated_at = now()
        WHERE id = $1 AND organization_id = $2 RETURNING *`,
      [id, tenantId, input.name, JSON.stringify(input.settings), input.allowedDomains, input.active],
    );
    return row ? toWidget(row) : null;
  }

  /**
   * The widget a conversation was started through: `widgetId` when the conversation has none yet
   * (its first session through a widget id), else the one it has (never changed after).
   * @param {string} conversationId
   * @param {string | undefined} widgetId the widget of this session, if any
   * @returns {Promise<string | null>}
   */
  async bindConversation(conversationId, widgetId) {
    if (!widgetId || this.bound.get(conversationId)?.widgetId) return this.ofConversation(conversationId);
    /** @type {{ widget_id: string | null } | undefined} */
    const row = await this.db.row(`UPDATE chat_sessions SET widget_id = COALESCE(widget_id, $2) WHERE id = $1 RETURNING widget_id`, [
      conversationId,
      widgetId,
    ]);
    return this.remember(conversationId, row?.widget_id);
  }

  /**
   * Whether the widget a conversation was started through turned `feature` off
   * (`features.<feature> === false`); false for a conversation of no widget, or of a deleted one.
   * @param {string} conversationId
   * @param {'assistant' | 'voice' | 'attachments'} feature
   */
  async featureOff(conversationId, feature) {
    return this.turnsOff(await this.ofConversation(conversationId), feature);
  }

  /**
   * Whether widget `widgetId` turned `feature` off (false for none, or a deleted one).
   * @param {string | null | undefined} widgetId
   * @param {'assistant' | 'voice' | 'attachments'} feature
   */
  async turnsOff(widgetId, feature) {
    const widget = widgetId ? await this.byId(widgetId) : null;
    return /** @type {Record<string, unknown> | undefined} */ (widget?.settings.features)?.[feature] === false;
  }

  /**
   * @param {string} tenantId
   * @param {string} id
   * @returns {Promise<boolean>} false when the tenant has no such widget
   */
  async remove(tenantId, id) {
    this.cache.delete(id);
    const rows = await this.db.rows('DELETE FROM widgets WHERE id = $1 AND organization_id = $2 RETURNING id', [id, tenantId]);
    return rows.length > 0;
  }
}
