#!/usr/bin/env node
// @ts-check
/**
 * CLI for the amoiq-chat reference backend.
 *
 *   node demo/server/main.js                  start the server
 *   node demo/server/main.js hash-password    read a password on stdin, print its hash for the
 *                                             tenants file's `passwordHash`
 *
 * Environment: PORT (8787; 0 = any free port), HOST (localhost = 127.0.0.1 and ::1),
 * DATA_DIR (.data at the repository root; an old demo/server/.data is moved there), DATABASE_URL
 * (a PostgreSQL server, `postgres://user:password@host:5432/db`; without it PGlite in
 * DATA_DIR/pg), DATABASE_POOL_SIZE (10: connections to PostgreSQL at most), JWT_SECRET
 * (generated once and kept in DATA_DIR), SESSION_TTL_SECONDS (900), TENANTS_FILE
 * (demo/server/tenants.json), IDENTITY_SECRET_<TENANT> (a tenant's identity secret; else one is
 * generated into DATA_DIR), TRUST_PROXY (N: the number of proxies in front of the server; the
 * client IP is the X-Forwarded-For entry N from the right), AGENT_CONSOLE_ORIGINS (comma-separated
 * origins that may call the agent API from a browser; none by default),
 * LOGIN_FAILURES_PER_ACCOUNT / LOGIN_FAILURES_PER_IP / LOGIN_LOCK_SECONDS (agent login limits),
 * LOGIN_HASH_CONCURRENCY / LOGIN_HASH_QUEUE (password checks at once, and waiting),
 * RATE_SESSIONS_PER_IP / RATE_SESSIONS_PER_VISITOR / RATE_SENDS_PER_IP / RATE_SENDS_PER_SENDER /
 * RATE_UPLOADS (per minute), the abuse limits of limits.js (LIMIT_ENV: MAX_CONNECTIONS_PER_IP,
 * MAX_CONNECTIONS_PER_TOKEN, MAX_REPLAY_MESSAGES, TYPING_INTERVAL_MS, RATE_RELINKS_PER_IP_DAY,
 * RELINK_MIN_AGE_SECONDS, QUOTA_VISITOR_BYTES, QUOTA_TENANT_BYTES, UNATTACHED_FILE_SECONDS,
 * SWEEP_INTERVAL_SECONDS, RATE_ASSISTANT_PER_VISITOR, RATE_ASSISTANT_PER_IP,
 * RATE_TRANSCRIPT_EMAILS_PER_CONVERSATION, RATE_TRANSCRIPT_EMAILS_PER_ADDRESS_DAY,
 * RATE_TRANSCRIPT_EMAILS_PER_IP, RATE_TRANSCRIPT_EMAILS_PER_TENANT; docs/security.md, Limits),
 * SMTP_URL or SMTP_HOST / SMTP_PORT / SMTP_USER / SMTP_PASS / SMTP_SECURE and SMTP_FROM (transcript
 * e-mail, docs/assistant.md; the start-up log says which server, never the password), AMOIQ_DEBUG_HOOKS (1: test-only raw-frame
 * hook; never in production), WIDGET_DIR (dist: where /amoiq-chat.js is served from). Relative
 * paths are resolved against the repository root, not the working directory.
 *
 * SIGHUP reloads the tenants file: agents and tenants removed from it are disabled and their
 * tokens stop working at once, a changed passwordHash applies (and ends the agent's sessions).
 *
 * The first stdout line is machine-readable, `amoiq-chat backend ready on http://127.0.0.1:<port>`
 * (the test-runner plugin waits for it); the lines after it are for humans.
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { hashPassword } from './auth.js';
import { limitsFromEnv } from './limits.js';
import { smtpSettingsFromEnv } from './mail.js';
import { DEFAULT_LOGIN_LIMITS } from './rate-limit.js';
import { DEFAULT_RATE_LIMITS, REPO_ROOT, createServer, identitySecretEnv, loadTenants } from './server.js';

if (process.argv[2] === 'hash-password') {
  if (process.stdin.isTTY) process.stderr.write('Password (the input is shown; end with Enter): ');
  const input = process.stdin.isTTY ? await new Promise((done) => process.stdin.once('data', done)) : readFileSync(0);
  const password = String(input).replace(/\r?\n$/, '');
  if (!password) {
    console.error('hash-password: empty password');
    process.exit(2);
  }
  console.log(await hashPassword(password));
  process.exit(0);
}

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
let tenants;
try {
  tenants = loadTenants(tenantsFile);
} catch (error) {
  console.error(`amoiq-chat backend failed to start: ${/** @type {Error} */ (error).message}`);
  process.exit(2);
}

/**
 * The data directory. The default used to be demo/server/.data, inside the demo's folder; it is now
 * .data at the repository root, and an old one is moved there once.
 */
function dataDir() {
  if (process.env.DATA_DIR) return resolve(REPO_ROOT, process.env.DATA_DIR);
  const dir = resolve(REPO_ROOT, '.data');
  const old = resolve(REPO_ROOT, 'demo/server/.data');
  if (!existsSync(dir) && existsSync(old)) {
    try {
      renameSync(old, dir);
      console.error(`moved the data directory from ${old} to ${dir}`);
    } catch (error) {
      console.error(`could not move ${old} to ${dir} (${/** @type {Error} */ (error).message}); using it where it is`);
      return old;
    }
  }
  return dir;
}

/** Identity secrets set in the environment (`IDENTITY_SECRET_<TENANT>`), by tenant id. */
const identitySecrets = Object.fromEntries(
  tenants.flatMap((t) => {
    const value = process.env[identitySecretEnv(t.id)];
    return value ? [[t.id, value]] : [];
  }),
);

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
    dataDir: dataDir(),
    databaseUrl: process.env.DATABASE_URL || undefined,
    databasePoolSize: intEnv('DATABASE_POOL_SIZE', 10) || 10,
    jwtSecret: process.env.JWT_SECRET || undefined,
    sessionTtlSeconds: intEnv('SESSION_TTL_SECONDS', 900) || 900,
    tenants,
    identitySecrets,
    trustProxy: intEnv('TRUST_PROXY', 0),
    agentConsoleOrigins: (process.env.AGENT_CONSOLE_ORIGINS ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    loginLimits: {
      perAccount: intEnv('LOGIN_FAILURES_PER_ACCOUNT', DEFAULT_LOGIN_LIMITS.perAccount),
      perIp: intEnv('LOGIN_FAILURES_PER_IP', DEFAULT_LOGIN_LIMITS.perIp),
      lockSeconds: intEnv('LOGIN_LOCK_SECONDS', DEFAULT_LOGIN_LIMITS.lockSeconds),
    },
    passwordChecks: { concurrency: intEnv('LOGIN_HASH_CONCURRENCY', 2) || 2, queue: intEnv('LOGIN_HASH_QUEUE', 32) },
    publicUrl: process.env.PUBLIC_URL || undefined,
    metricsToken: process.env.METRICS_TOKEN || undefined,
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
  const err = /** @type {{ code?: string, message?: string } | undefined} */ (error);
  console.error(`amoiq-chat backend failed to start: ${err?.code ? `${err.code} ` : ''}${err?.message ?? err}`);
  process.exit(1);
}

/**
 * Lines for generated first passwords: shown once, stored only as a hash.
 * @param {import('./server.js').BootstrapLogin[]} logins
 */
const bootstrapLines = (logins) =>
  logins.map((l) => `  new agent      ${l.email} / ${l.password}  (tenant ${l.tenantId}; generated now and shown only once)`);

console.log(`amoiq-chat backend ready on ${server.url}`);
const demo = tenants.find((t) => t.id === 'demo') ?? tenants[0];
const agent = demo?.agents?.[0];
const generated = server.bootstrap.find((l) => l.agentId === agent?.id);
const demoSecret = demo ? await server.identitySecret(demo.id) : null;
// The mailer's own reading of the SMTP_* variables (it refused malformed ones before the server
// started): host, port, TLS and user, never the password.
const smtp = smtpSettingsFromEnv(process.env);
const human = [
  `  demo page      http://localhost:${server.port}/`,
  `  agent console  http://localhost:${server.port}/agent/`,
  `  strict CSP     http://localhost:${server.port}/demo/csp.html`,
  !agent
    ? '  demo agent     (none configured)'
    : generated
      ? `  demo agent     ${agent.email} / ${generated.password}  (generated on this first start and shown only once: note it)`
      : `  demo agent     ${agent.email}  (password shown at the first start; to set one: passwordHash in the tenants file, docs/security.md)`,
  ...bootstrapLines(server.bootstrap.filter((l) => l !== generated)),
  `  demo API key   ${demo?.apiKey ?? '(none configured)'}`,
  process.env.DATABASE_URL
    ? `  database       PostgreSQL (DATABASE_URL), a pool of ${intEnv('DATABASE_POOL_SIZE', 10) || 10} connections`
    : '',
  demoSecret ? `  demo identity  secret for signing userTokens: ${demoSecret} (docs/security.md)` : '',
  smtp.configured ? `  e-mail         ${smtp.description}, from ${smtp.from}` : `  e-mail         ${smtp.description}`,
  process.env.AMOIQ_DEBUG_HOOKS === '1' ? '  DEBUG HOOKS ON (AMOIQ_DEBUG_HOOKS=1): for tests only' : '',
  `  started in ${Math.round(performance.now())} ms`,
];
console.log(human.filter(Boolean).join('\n'));

process.on('SIGHUP', async () => {
  try {
    const logins = await server.reloadTenants(loadTenants(tenantsFile));
    console.log(['tenants reloaded', ...bootstrapLines(logins)].join('\n'));
  } catch (error) {
    console.error(`tenants reload failed (the file is refused or the database broke off): ${/** @type {Error} */ (error).message}`);
  }
});

let stopping = false;
/** @param {NodeJS.Signals} signal */
async function stop(signal) {
  if (stopping) return;
  stopping = true;
  // SIGTERM drains: /readyz says 503 for SHUTDOWN_DELAY_SECONDS first, so a load balancer stops
  // sending new clients here before the sockets close (docs/scaling.md). Ctrl-C stops at once.
  const delayMs = signal === 'SIGTERM' ? intEnv('SHUTDOWN_DELAY_SECONDS', 0) * 1000 : 0;
  console.log(`${signal}: ${delayMs ? `draining for ${delayMs / 1000} s, then ` : ''}closing connections and the database…`);
  try {
    await server.drain({ delayMs });
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
