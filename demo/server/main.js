#!/usr/bin/env node
// @ts-check
/**
 * CLI for the amoiq-chat reference backend.
 *
 *   node demo/server/main.js
 *
 * Environment: PORT (8787; 0 = any free port), HOST (localhost = 127.0.0.1 and ::1),
 * DATA_DIR (demo/server/.data), JWT_SECRET (generated once and kept in DATA_DIR),
 * SESSION_TTL_SECONDS (900), TENANTS_FILE (demo/server/tenants.json), TRUST_PROXY (1: client IP
 * from X-Forwarded-For), RATE_SESSIONS_PER_IP / RATE_SESSIONS_PER_VISITOR / RATE_SENDS_PER_IP /
 * RATE_SENDS_PER_SENDER / RATE_UPLOADS
 * (per minute), the abuse limits of limits.js (LIMIT_ENV: MAX_CONNECTIONS_PER_IP,
 * MAX_CONNECTIONS_PER_TOKEN, MAX_REPLAY_MESSAGES, TYPING_INTERVAL_MS, RATE_RELINKS_PER_IP_DAY,
 * RELINK_MIN_AGE_SECONDS, QUOTA_VISITOR_BYTES, QUOTA_TENANT_BYTES, UNATTACHED_FILE_SECONDS,
 * SWEEP_INTERVAL_SECONDS; docs/security.md, Limits), AMOIQ_DEBUG_HOOKS (1: test-only raw-frame
 * hook; never in production),
 * WIDGET_DIR (dist: where /amoiq-chat.js is served from). Relative
 * paths are resolved against the repository root, not the working directory.
 *
 * The first stdout line is machine-readable, `amoiq-chat backend ready on http://127.0.0.1:<port>`
 * (the test-runner plugin waits for it); the lines after it are for humans.
 */
import { resolve } from 'node:path';
import { limitsFromEnv } from './limits.js';
import { DEFAULT_RATE_LIMITS, REPO_ROOT, createServer, loadTenants } from './server.js';

/**
 * @param {string} name
 * @param {number} fallback
 */
function intEnv(name, fallback) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return value;
}

const tenantsFile = resolve(REPO_ROOT, process.env.TENANTS_FILE || 'demo/server/tenants.json');
const tenants = loadTenants(tenantsFile);

/** @type {ReturnType<typeof limitsFromEnv>} */
let limits;
try {
  limits = limitsFromEnv(process.env);
} catch (error) {
  console.error(/** @type {Error} */ (error).message);
  process.exit(2);
}

/** @type {Awaited<ReturnType<typeof createServer>>} */
let server;
try {
  server = await createServer({
    port: intEnv('PORT', 8787),
    host: process.env.HOST || 'localhost',
    dataDir: resolve(REPO_ROOT, process.env.DATA_DIR || 'demo/server/.data'),
    jwtSecret: process.env.JWT_SECRET || undefined,
    sessionTtlSeconds: intEnv('SESSION_TTL_SECONDS', 900) || 900,
    tenants,
    trustProxy: process.env.TRUST_PROXY === '1',
    publicUrl: process.env.PUBLIC_URL || undefined,
    widgetDir: process.env.WIDGET_DIR ? resolve(REPO_ROOT, process.env.WIDGET_DIR) : undefined,
    debugHooks: process.env.AMOIQ_DEBUG_HOOKS === '1',
    rateLimits: {
      sessionsPerIp: intEnv('RATE_SESSIONS_PER_IP', DEFAULT_RATE_LIMITS.sessionsPerIp),
      sessionsPerVisitor: intEnv('RATE_SESSIONS_PER_VISITOR', DEFAULT_RATE_LIMITS.sessionsPerVisitor),
      sendsPerIp: intEnv('RATE_SENDS_PER_IP', DEFAULT_RATE_LIMITS.sendsPerIp),
      sendsPerSender: intEnv('RATE_SENDS_PER_SENDER', DEFAULT_RATE_LIMITS.sendsPerSender),
      uploads: intEnv('RATE_UPLOADS', DEFAULT_RATE_LIMITS.uploads),
    },
    limits,
  });
} catch (error) {
  // One readable line: PGlite errors otherwise print a screenful of minified source.
  const err = /** @type {any} */ (error);
  console.error(`amoiq-chat backend failed to start: ${err?.code ? `${err.code} ` : ''}${err?.message ?? err}`);
  process.exit(1);
}

console.log(`amoiq-chat backend ready on ${server.url}`);
const demo = tenants.find((t) => t.id === 'demo') ?? tenants[0];
const agent = demo?.agents?.[0];
const human = [
  `  demo page      http://localhost:${server.port}/`,
  `  agent console  http://localhost:${server.port}/agent/`,
  `  strict CSP     http://localhost:${server.port}/demo/csp.html`,
  agent ? `  demo agent     ${agent.email} / ${agent.password}` : '  demo agent     (none configured)',
  `  demo API key   ${demo?.apiKey ?? '(none configured)'}`,
  demo?.identitySecret ? `  demo identity  secret for signing userTokens: ${demo.identitySecret} (docs/security.md)` : '',
  process.env.AMOIQ_DEBUG_HOOKS === '1' ? '  DEBUG HOOKS ON (AMOIQ_DEBUG_HOOKS=1): for tests only' : '',
  `  started in ${Math.round(performance.now())} ms`,
];
console.log(human.filter(Boolean).join('\n'));

let stopping = false;
/** @param {NodeJS.Signals} signal */
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: closing connections and the database…`);
  try {
    await server.close();
    process.exit(0);
  } catch (error) {
    console.error('shutdown failed', error);
    process.exit(1);
  }
}
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The last line of defence: log, keep serving. Handlers already catch at the edges.
process.on('unhandledRejection', (reason) => console.error('unhandled rejection', reason));
