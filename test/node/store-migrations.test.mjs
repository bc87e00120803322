// @ts-check
// The store's numbered migrations (demo/server/store/migrate.js): a new database gets every
// migration once, recorded in schema_version; a database made by the code before numbered
// migrations (one string of CREATE … IF NOT EXISTS / ALTER … ADD COLUMN IF NOT EXISTS, and a
// schema_migrations table) is upgraded in place to exactly the schema a new one has, keeps its
// data, and has 001 marked applied; a database from a newer release is refused. The legacy cases
// are PGlite's own (the code before numbered migrations had no PostgreSQL); the others run on the
// store AMOIQ_TEST_STORE names (test-store.mjs).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openStore } from '../../demo/server/store/index.js';
import { migrations } from '../../demo/server/store/migrate.js';
import { STORE_NAME, TEST_STORE, freshStore } from './test-store.mjs';

const LEGACY = new URL('../../demo/server/store/legacy/', import.meta.url);
/** @type {string[]} */
const dirs = [];
/** @type {Array<() => Promise<void>>} */
const disposals = [];
after(async () => {
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
  for (const dispose of disposals) await dispose();
});
/** A new place for a store, on the store under test. */
const place = async () => {
  const fresh = await freshStore();
  disposals.push(fresh.dispose);
  return { dataDir: fresh.dataDir, databaseUrl: fresh.databaseUrl };
};
const legacyOnly = TEST_STORE === 'pglite' ? {} : { skip: 'databases made before numbered migrations are PGlite databases' };
const dataDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'amoiq-migrate-'));
  dirs.push(dir);
  return dir;
};

/**
 * The shape of the public schema: columns, indexes and constraints, as text.
 * @param {import('../../demo/server/store/sql.js').Queryable} db
 */
async function schemaOf(db) {
  const columns = await db.rows(
    `SELECT table_name, column_name, data_type, udt_name, is_nullable, column_default
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const indexes = await db.rows(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
  const constraints = await db.rows(
    `SELECT conrelid::regclass::text AS table_name, conname, pg_get_constraintdef(oid) AS definition
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2`,
  );
  return { columns, indexes, constraints };
}

/**
 * Makes a database the way the pre-migration db.js did on its first start (its schema string, its
 * one data migration recorded in schema_migrations) and stores a conversation with two messages.
 * @param {string} dir the data directory (the database goes into dir/pg)
 */
async function makeLegacyDatabase(dir) {
  const pg = await PGlite.create(join(dir, 'pg'));
  await pg.exec(readFileSync(new URL('schema.sql', LEGACY), 'utf8'));
  await pg.exec(readFileSync(new URL('2026-12-inbox-relink-uploads.sql', LEGACY), 'utf8'));
  await pg.query(`INSERT INTO schema_migrations (name) VALUES ('2026-12-inbox-relink-uploads')`);
  await pg.exec(`
    INSERT INTO organizations (id, name, api_key) VALUES ('demo', 'Demo', 'pk_legacy');
    INSERT INTO chat_sessions (id, organization_id, visitor_id, last_seq, started_at, awaiting_reply) VALUES ('c_legacy', 'demo', 'visitor_legacy', 2, now(), true);
    INSERT INTO chat_messages (id, chat_session_id, seq, client_id, sender_type, content) VALUES
      ('m_1', 'c_legacy', 1, 'client_legacy_1', 'visitor', 'hello'),
      ('m_2', 'c_legacy', 2, 'client_legacy_2', 'visitor', 'anyone?');`);
  await pg.close();
}

describe(`numbered migrations (${STORE_NAME})`, () => {
  test('a new database gets every migration once, recorded in schema_version', async () => {
    const where = await place();
    const store = await openStore(where);
    const versions = await store.db.rows('SELECT version, name FROM schema_version ORDER BY version');
    assert.deepEqual(
      versions,
      migrations().map((m) => ({ version: m.version, name: m.name })),
    );
    assert.equal(versions[0].name, '001_initial');
    await store.close();
    // A second start applies nothing (each migration would fail if it ran twice: CREATE TABLE).
    const again = await openStore(where);
    assert.equal((await again.db.rows('SELECT * FROM schema_version')).length, versions.length);
    await again.close();
  });

  test(
    'nodes starting at once on one database migrate it once',
    TEST_STORE === 'postgres' ? {} : { skip: 'a PGlite database belongs to one process' },
    async () => {
      const where = await place();
      const nodes = await Promise.all([openStore(where), openStore(where), openStore(where)]);
      assert.deepEqual(
        (await nodes[0].db.rows('SELECT name FROM schema_version ORDER BY version')).map((r) => r.name),
        migrations().map((m) => m.name),
      );
      await Promise.all(nodes.map((node) => node.close()));
    },
  );

  test(
    'a database made before numbered migrations is upgraded in place: same schema as a new one, data kept, 001 marked applied',
    legacyOnly,
    async () => {
      const fresh = await openStore({ dataDir: dataDir() });
      const expected = await schemaOf(fresh.db);
      await fresh.close();

      const dir = dataDir();
      await makeLegacyDatabase(dir);
      const store = await openStore({ dataDir: dir });
      assert.deepEqual(await schemaOf(store.db), expected);
      assert.deepEqual(
        (await store.db.rows('SELECT version, name FROM schema_version')).map((r) => r.name),
        migrations().map((m) => m.name),
      );
      const page = await store.messages.page('c_legacy', { after: 0, limit: 10 });
      assert.deepEqual(
        page.messages.map((m) => m.text),
        ['hello', 'anyone?'],
      );
      // It goes on from where it was: the next message is seq 3, a resend is recognised.
      const next = await store.messages.insert({
        conversationId: 'c_legacy',
        clientId: 'client_legacy_3',
        sender: { type: 'visitor' },
        text: 'still there?',
      });
      assert.equal(next.outcome === 'created' && next.message.seq, 3);
      const resend = await store.messages.insert({
        conversationId: 'c_legacy',
        clientId: 'client_legacy_1',
        sender: { type: 'visitor' },
        text: 'hello',
      });
      assert.equal(resend.outcome === 'existing' && resend.message.seq, 1);
      await store.close();
    },
  );

  test('a database of an older shape (before the inbox columns) is brought up to date too', legacyOnly, async () => {
    const dir = dataDir();
    const pg = await PGlite.create(join(dir, 'pg'));
    // The first tables, before any ALTER of the legacy string had run.
    const legacy = readFileSync(new URL('schema.sql', LEGACY), 'utf8');
    await pg.exec(legacy.slice(0, legacy.indexOf('-- Seed 000')));
    await pg.query(`INSERT INTO organizations (id, name, api_key) VALUES ('demo', 'Demo', 'pk_old')`);
    await pg.close();
    const store = await openStore({ dataDir: dir });
    const tenant = await store.tenants.byApiKey('pk_old');
    assert.equal(tenant?.id, 'demo');
    assert.equal(tenant?.keylessEmbed, false);
    await store.close();
  });

  test('a database migrated by a newer release is refused, not touched', async () => {
    const where = await place();
    const store = await openStore(where);
    await store.db.query(`INSERT INTO schema_version (version, name) VALUES (999, '999_from_the_future')`);
    await store.close();
    await assert.rejects(openStore(where), /999_from_the_future, which this version of amoiq-chat does not know/);
  });
});
