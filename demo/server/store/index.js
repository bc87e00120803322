// @ts-check
/**
 * The reference backend's storage: PostgreSQL when a `databaseUrl` is given, else PGlite in the
 * data directory (sql.js); the schema brought up to date by numbered migrations (migrate.js); one
 * module per concern. Storage answers with results (`{ outcome: 'closed' }`, null for unknown
 * rows); it never throws HTTP errors and writes no user-facing text: the chat rules (chat.js)
 * decide what a result means for the client.
 */
import { join } from 'node:path';
import { AgentStore } from './agents.js';
import { ConversationStore } from './conversations.js';
import { FileStore } from './files.js';
import { FingerprintStore } from './fingerprints.js';
import { LookupStore } from './lookup.js';
import { MessageStore } from './messages.js';
import { migrate } from './migrate.js';
import { openPglite, openPostgres } from './sql.js';
import { TenantStore } from './tenants.js';
import { WidgetStore } from './widgets.js';

/**
 * @typedef {{
 *   db: import('./sql.js').Database,
 *   tenants: TenantStore, agents: AgentStore, conversations: ConversationStore, widgets: WidgetStore,
 *   messages: MessageStore, files: FileStore, fingerprints: FingerprintStore, lookup: LookupStore,
 *   close: () => Promise<void>,
 * }} Store
 *   `db`: the database itself (its engine, pool statistics, raw queries for tests)
 */

/**
 * Opens the store and applies the migrations it lacks.
 * @param {{ dataDir?: string, databaseUrl?: string, poolSize?: number }} options
 *   `databaseUrl`: a PostgreSQL server (`postgres://…`); without it PGlite in `dataDir/pg`.
 *   `poolSize`: connections to PostgreSQL at most (10)
 * @returns {Promise<Store>}
 */
export async function openStore({ dataDir, databaseUrl, poolSize }) {
  if (!databaseUrl && !dataDir) throw new Error('openStore: a dataDir or a databaseUrl is needed');
  const db = databaseUrl ? await openPostgres(databaseUrl, { poolSize }) : await openPglite(join(/** @type {string} */ (dataDir), 'pg'));
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return {
    db,
    tenants: new TenantStore(db),
    agents: new AgentStore(db),
    conversations: new ConversationStore(db),
    messages: new MessageStore(db),
    files: new FileStore(db),
    fingerprints: new FingerprintStore(db),
    lookup: new LookupStore(db),
    widgets: new WidgetStore(db),
    close: () => db.close(),
  };
}
