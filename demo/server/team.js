// @ts-check
/**
 * What the session answer says about the tenant beyond its stored widget configuration
 * (docs/protocol.md, "Team" and "Tenant texts per language"), from the tenants file's `widget`
 * section: `texts` (the header title, welcome and away messages per language) and `team` (its
 * name and typical reply time), plus the names of the agents online now. Kept in memory like the
 * voice settings: the tenants file is read at start and on SIGHUP.
 */

const LANG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
const TEXT_KEYS = /** @type {const} */ (['headerText', 'welcomeMessage', 'awayMessage']);
const REPLY_TIMES = ['minutes', 'hours', 'day'];

/**
 * @typedef {{ headerText?: string, welcomeMessage?: string, awayMessage?: string }} TenantTexts
 * @typedef {{ name?: string, replyTime?: 'minutes' | 'hours' | 'day' }} TeamSettings
 * @typedef {{ texts?: Record<string, TenantTexts>, team?: TeamSettings }} TeamExtras
 */

/**
 * Checks a tenant's `widget.texts` and `widget.team`; throws a message naming the tenant for a
 * malformed one (the tenants file is refused at start, as for other mistakes in it).
 * @param {string} tenantId
 * @param {unknown} widget
 * @returns {TeamExtras}
 */
export function parseTeamExtras(tenantId, widget) {
  /** @type {TeamExtras} */
  const out = {};
  if (!widget || typeof widget !== 'object') return out;
  const w = /** @type {Record<string, unknown>} */ (widget);
  if (w.texts !== undefined) {
    if (!w.texts || typeof w.texts !== 'object' || Array.isArray(w.texts))
      throw new Error(`tenant "${tenantId}": widget.texts must be an object of languages`);
    /** @type {Record<string, TenantTexts>} */
    const texts = {};
    for (const [lang, entry] of Object.entries(w.texts)) {
      if (!LANG.test(lang)) throw new Error(`tenant "${tenantId}": widget.texts: "${lang}" is not a language tag`);
      if (!entry || typeof entry !== 'object') throw new Error(`tenant "${tenantId}": widget.texts.${lang} must be an object`);
      /** @type {TenantTexts} */
      const picked = {};
      for (const key of TEXT_KEYS) {
        const v = /** @type {Record<string, unknown>} */ (entry)[key];
        if (v === undefined) continue;
        if (typeof v !== 'string' || v.length > 1000)
          throw new Error(`tenant "${tenantId}": widget.texts.${lang}.${key} must be a string of at most 1000 characters`);
        picked[key] = v;
      }
      texts[lang] = picked;
    }
    out.texts = texts;
  }
  if (w.team !== undefined) {
    const t = /** @type {Record<string, unknown>} */ (w.team);
    if (!t || typeof t !== 'object') throw new Error(`tenant "${tenantId}": widget.team must be an object`);
    if (t.name !== undefined && (typeof t.name !== 'string' || t.name.length > 100))
      throw new Error(`tenant "${tenantId}": widget.team.name must be a string of at most 100 characters`);
    if (t.replyTime !== undefined && !REPLY_TIMES.includes(/** @type {string} */ (t.replyTime))) {
      throw new Error(`tenant "${tenantId}": widget.team.replyTime must be one of ${REPLY_TIMES.join(', ')}`);
    }
    out.team = {
      ...(typeof t.name === 'string' && t.name ? { name: t.name } : {}),
      ...(t.replyTime ? { replyTime: /** @type {'minutes' | 'hours' | 'day'} */ (t.replyTime) } : {}),
    };
  }
  return out;
}

/** The tenants' extras, replaced as a whole when the tenants file is read again. */
export class TeamDirectory {
  constructor() {
    /** @private @type {Map<string, TeamExtras>} */
    this.byTenant = new Map();
  }

  /** @param {Array<{ id: string, widget?: unknown }>} tenants */
  setTenants(tenants) {
    this.byTenant = new Map(tenants.map((t) => [t.id, parseTeamExtras(t.id, t.widget)]));
  }

  /**
   * The session `config` fields: `texts` when set, `team` with the online agents' names (at most 5)
   * when the tenant describes its team or someone is online.
   * @param {string} tenantId
   * @param {string[]} onlineAgents
   */
  configFor(tenantId, onlineAgents) {
    const extras = this.byTenant.get(tenantId) ?? {};
    const agents = onlineAgents.slice(0, 5).map((name) => ({ name }));
    const team = extras.team || agents.length ? { ...extras.team, ...(agents.length ? { agents } : {}) } : undefined;
    return { ...(extras.texts ? { texts: extras.texts } : {}), ...(team ? { team } : {}) };
  }
}
