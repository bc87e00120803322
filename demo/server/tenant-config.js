// @ts-check
/**
 * The tenants file (`TENANTS_FILE`, demo/server/tenants.json): reading it (secrets refused) and
 * writing it into the store at start and on SIGHUP (tenants and agents created, updated, enabled,
 * or disabled when they left the file; first passwords generated).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parsePasswordHash } from './auth.js';

/**
 * @typedef {{ id: string, email: string, name: string, passwordHash?: string, role?: 'admin' | 'agent' }} TenantAgentConfig
 *   `passwordHash`: `scrypt$…` as printed by `node demo/server/main.js hash-password`; without it
 *   the agent gets a random password on its first start, printed once and stored only as a hash.
 *   `role`: `admin` for a tenant admin (manages the widget configurations), else a plain agent
 * @typedef {{
 *   id: string, name: string, apiKey: string, allowedOrigins: string[], keylessEmbed?: boolean,
 *   widget?: import('./types.js').WidgetSettings,
 *   voice?: import('./voice/service.js').TenantVoice,
 *   assistant?: object | null, queue?: object | null, team?: object | null, texts?: object | null,
 *   agents?: TenantAgentConfig[],
 * }} TenantConfig
 *   `assistant`, `queue`, `team`, `texts`: checked where they are used (assistant/index.js,
 *   team.js; docs/assistant.md, docs/protocol.md).
 *   No secret lives in the tenants file: identity secrets come from `identitySecrets` (the
 *   environment) or are generated into the data directory.
 */

/**
 * Reads a tenants file (`{ "tenants": [TenantConfig] }`). Secrets in it are refused: a plaintext
 * password or an identity secret in a file that is copied around, committed and (as happened)
 * served is a leak waiting to happen.
 * @param {string} file
 * @returns {TenantConfig[]}
 */
export function loadTenants(file) {
  const parsed = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(parsed?.tenants)) throw new Error(`${file}: expected { "tenants": [...] }`);
  for (const tenant of parsed.tenants) {
    if (tenant?.identitySecret !== undefined) {
      throw new Error(
        `${file}: tenant "${tenant.id}" has an identitySecret; set it in the environment as ${identitySecretEnv(tenant.id)} instead (or remove it: one is generated into the data directory)`,
      );
    }
    for (const agent of tenant?.agents ?? []) {
      if (agent?.password !== undefined) {
        throw new Error(
          `${file}: agent "${agent.id}" has a plaintext password; replace it with "passwordHash" (node demo/server/main.js hash-password), or remove it to get a generated one`,
        );
      }
      if (agent?.role !== undefined && agent.role !== 'admin' && agent.role !== 'agent') {
        throw new Error(`${file}: agent "${agent.id}": role must be "admin" or "agent"`);
      }
      if (agent?.passwordHash !== undefined && !parsePasswordHash(agent.passwordHash)) {
        throw new Error(`${file}: agent "${agent.id}": passwordHash is not a scrypt hash made by hash-password`);
      }
    }
  }
  return parsed.tenants;
}

/**
 * The environment variable that holds a tenant's identity secret: `IDENTITY_SECRET_<ID>`, the
 * id in upper case with every other character as `_` (`IDENTITY_SECRET_DEMO`).
 * @param {string} tenantId
 */
export function identitySecretEnv(tenantId) {
  return `IDENTITY_SECRET_${tenantId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * @typedef {{ tenantId: string, agentId: string, email: string, password: string }} BootstrapLogin
 *   a generated first password, to be shown once
 */

/**
 * Writes the tenants file into the database: tenants and agents in it are created, updated and
 * enabled; those missing from it are disabled and their agents' tokens revoked. Identity secrets
 * come from `identitySecrets`, else stay as stored, else are generated. An agent's `passwordHash`
 * replaces the stored one only when the file's changed (which revokes its tokens); an agent new to
 * the database without one gets a random password, returned here to be printed once.
 * @param {import('./store/index.js').Store} store
 * @param {TenantConfig[]} tenants
 * @param {{ identitySecrets: Record<string, string>, hasher: import('./auth.js').PasswordHasher }} options
 * @returns {Promise<{ bootstrap: BootstrapLogin[], revoked: Array<{ id: string, tenantId: string }> }>}
 *   `revoked`: agents whose tokens no longer work (removed, or the password changed)
 */
export async function seedTenants(store, tenants, { identitySecrets, hasher }) {
  const disabled = await store.tenants.disableMissing(
    tenants.map((t) => t.id),
    tenants.flatMap((t) => (t.agents ?? []).map((a) => a.id)),
  );
  /** @type {BootstrapLogin[]} */
  const bootstrap = [];
  const revoked = [...disabled.agents];
  for (const tenant of tenants) {
    const stored = await store.tenants.byId(tenant.id);
    await store.tenants.upsert(
      {
        id: tenant.id,
        name: tenant.name,
        apiKey: tenant.apiKey,
        allowedOrigins: tenant.allowedOrigins ?? [],
        keylessEmbed: tenant.keylessEmbed === true,
        identitySecret: identitySecrets[tenant.id] || stored?.identitySecret || randomBytes(32).toString('base64url'),
      },
      tenant.widget ?? {},
    );
    for (const agent of tenant.agents ?? []) {
      const row = { id: agent.id, tenantId: tenant.id, email: agent.email, name: agent.name, role: agent.role };
      const existing = await store.agents.byId(agent.id);
      let password = null;
      let passwordHash = agent.passwordHash ?? null;
      if (!passwordHash && !existing) {
        password = randomBytes(12).toString('base64url');
        passwordHash = await hasher.hash(password);
      }
      const result = await store.agents.upsert({ ...row, passwordHash, seedHash: agent.passwordHash ?? null });
      if (password) bootstrap.push({ tenantId: tenant.id, agentId: agent.id, email: agent.email, password });
      if (result.passwordChanged) revoked.push({ id: agent.id, tenantId: tenant.id });
    }
  }
  return { bootstrap, revoked };
}
