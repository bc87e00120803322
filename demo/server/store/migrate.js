// @ts-check
/**
 * Numbered migrations: `store/migrations/NNN_name.sql`, applied in order, each once, each in its
 * own transaction, and recorded in `schema_version` (version, name, applied_at). The same files
 * run on PGlite and on PostgreSQL. Nodes that start together take turns (an advisory lock held by
 * each migration's transaction), so a migration never runs twice.
 *
 * A database made before numbered migrations (tables but no `schema_version`) is first brought to
 * the shape of 001_initial.sql by the frozen schema of that code (legacy/), which is idempotent,
 * and 001 is then recorded as applied: the baseline.
 */
import { readFileSync, readdirSync } from 'node:fs';

/** @typedef {import('./sql.js').Database} Database */
/** @typedef {import('./sql.js').Queryable} Queryable */
/** @typedef {{ version: number, name: string, sql: string }} Migration */
/** @typedef {{ version: number, name: string }} VersionRow */

const MIGRATIONS_DIR = new URL('./migrations/', import.meta.url);
const LEGACY_DIR = new URL('./legacy/', import.meta.url);
/** The one-time data migration of the legacy code (its name in `schema_migrations`). */
const LEGACY_DATA_MIGRATION = '2026-12-inbox-relink-uploads';
/** Key of the advisory lock migrations hold (any constant; it only has to be the same everywhere). */
const LOCK = 0x616d6f69; // "amoi"

/**
 * The migrations in store/migrations/, in order.
 * @returns {Migration[]}
 */
export function migrations() {
  const list = readdirSync(MIGRATIONS_DIR)
    .map((file) => /^(\d{3})_([a-z0-9_]+)\.sql$/.exec(file))
    .filter((match) => match !== null)
    .map((match) => ({
      version: Number(match[1]),
      name: `${match[1]}_${match[2]}`,
      sql: readFileSync(new URL(match[0], MIGRATIONS_DIR), 'utf8'),
    }))
    .sort((a, b) => a.version - b.version);
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`store/migrations: expected version ${i + 1}, found ${m.name}.sql`);
  });
  return list;
}

/**
 * Brings the database up to the newest migration.
 * @param {Database} db
 * @returns {Promise<{ applied: string[], baseline: boolean }>} the migrations applied now;
 *   `baseline`: the database was made before numbered migrations and was upgraded in place
 * @throws {Error} when a migration fails (naming it; nothing of it is kept), or when the
 *   database has a version this code does not know (made by a newer release)
 */
export async function migrate(db) {
  const all = migrations();
  const baseline = await db.transaction(async (tx) => {
    await lock(tx);
    await tx.exec(
      'CREATE TABLE IF NOT EXISTS schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())',
    );
    /** @type {VersionRow[]} */
    const done = await tx.rows('SELECT version, name FROM schema_version ORDER BY version');
    const unknown = done.find((row) => !all.some((m) => m.version === row.version));
    if (unknown)
      throw new Error(`the database is at migration ${unknown.name}, which this version of amoiq-chat does not know; run a newer one`);
    if (done.length > 0 || !(await isLegacy(tx))) return false;
    await upgradeLegacy(tx);
    await tx.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [all[0].version, all[0].name]);
    return true;
  });
  /** @type {string[]} */
  const applied = [];
  for (const migration of all) {
    const ran = await db.transaction(async (tx) => {
      await lock(tx);
      if (await tx.row('SELECT 1 FROM schema_version WHERE version = $1', [migration.version])) return false;
      try {
        await tx.exec(migration.sql);
      } catch (error) {
        throw new Error(`migration ${migration.name} failed: ${/** @type {Error} */ (error).message}`, { cause: error });
      }
      await tx.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [migration.version, migration.name]);
      return true;
    });
    if (ran) applied.push(migration.name);
  }
  return { applied, baseline };
}

/**
 * Waits for other nodes' migrations; released when the transaction ends.
 * @param {Queryable} tx
 */
async function lock(tx) {
  await tx.query(`SELECT pg_advisory_xact_lock(${LOCK})`);
}

/**
 * True when the chat tables exist without migrations recorded: made by the pre-migration code.
 * @param {Queryable} tx
 */
async function isLegacy(tx) {
  /** @type {{ found: boolean } | undefined} */
  const row = await tx.row(`SELECT to_regclass('public.organizations') IS NOT NULL AS found`);
  return row?.found === true;
}

/**
 * Applies the frozen legacy schema (CREATE … IF NOT EXISTS, ALTER … ADD COLUMN IF NOT EXISTS: a
 * database of any earlier shape ends at 001's) and its data migration if it never ran, then drops
 * the legacy bookkeeping table.
 * @param {Queryable} tx
 */
async function upgradeLegacy(tx) {
  await tx.exec(readFileSync(new URL('schema.sql', LEGACY_DIR), 'utf8'));
  if (!(await tx.row('SELECT 1 FROM schema_migrations WHERE name = $1', [LEGACY_DATA_MIGRATION]))) {
    await tx.exec(readFileSync(new URL(`${LEGACY_DATA_MIGRATION}.sql`, LEGACY_DIR), 'utf8'));
  }
  await tx.exec('DROP TABLE schema_migrations');
}
