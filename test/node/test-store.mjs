// @ts-check
// Which store the Node server tests run on: PGlite (the default), or PostgreSQL when
// AMOIQ_TEST_STORE=postgres (scripts/test.mjs runs the server-*.test.mjs and store-*.test.mjs
// files a second time so, against the throwaway server of test/plugins/postgres.mjs).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDataDir } from '../plugins/pglite-template.mjs';
import { testDatabase } from '../plugins/postgres.mjs';

/** @type {'pglite' | 'postgres'} */
export const TEST_STORE = process.env.AMOIQ_TEST_STORE === 'postgres' ? 'postgres' : 'pglite';

/** How the store is named in test titles and messages. */
export const STORE_NAME = TEST_STORE === 'postgres' ? 'PostgreSQL' : 'PGlite';

/**
 * A fresh place for one server's data: a temporary data directory (uploads, and the PGlite
 * database, seeded with a copy of an empty cluster) and, on PostgreSQL, a new database of its own. `dispose()` deletes both.
 * @returns {Promise<{ dataDir: string, databaseUrl?: string, dispose: () => Promise<void> }>}
 */
export async function freshStore() {
  const dataDir = mkdtempSync(join(tmpdir(), 'amoiq-node-'));
  const database = TEST_STORE === 'postgres' ? await testDatabase('node') : null;
  // PGlite: a copy of one empty cluster instead of initdb in WASM per server (test/plugins/pglite-template.mjs).
  if (!database) await seedDataDir(dataDir);
  return {
    dataDir,
    databaseUrl: database?.url,
    async dispose() {
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
