// @ts-check
/**
 * Assembles the reference backend: store, tenants, tokens, chat rules, HTTP routes, WebSocket hubs
 * and static files, listening on one port. `main.js` is the CLI around {@link createServer}.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PasswordHasher, TokenService } from './auth.js';
import { ChatService } from './chat.js';
import { ApiError, notFound } from './errors.js';
import { answerClientError, handleCors, listen, requestUrl, sendError } from './http-util.js';
import { createGuards } from './limits.js';
import { ClusterHub, startCluster } from './cluster.js';
import { MeteredHub, createMetrics } from './metrics.js';
import { DEFAULT_LOGIN_LIMITS, LoginGuard, RateLimiter } from './rate-limit.js';
import { routeHealth } from './routes/health.js';
import { routeApi, routeName } from './routes/index.js';
import { createSockets } from './sockets/index.js';
import { serveStatic } from './static.js';
import { openStore } from './store/index.js';
import { createVoiceService } from './voice/service.js';
import { seedTenants } from './tenant-config.js';
import { TeamDirectory } from './team.js';
import { AssistantService } from './assistant/service.js';
import { createMailer } from './mail.js';

export { identitySecretEnv, loadTenants } from './tenant-config.js';

/** Default rate limits, per minute: generous for people, tight enough to stop a flood. */
export const DEFAULT_RATE_LIMITS = { sessionsPerIp: 300, sessionsPerVisitor: 30, sendsPerIp: 600, sendsPerSender: 120, uploads: 60 };

/** Absolute path of the repository (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * @typedef {import('./tenant-config.js').TenantConfig} TenantConfig
 * @typedef {import('./tenant-config.js').BootstrapLogin} BootstrapLogin
 * @typedef {{
 *   port?: number,
 *   host?: string,
 *   dataDir: string,
 *   databaseUrl?: string,
 *   databasePoolSize?: number,
 *   jwtSecret?: string,
 *   sessionTtlSeconds?: number,
 *   agentTtlSeconds?: number,
 *   tenants: TenantConfig[],
 *   identitySecrets?: Record<string, string>,
 *   repoRoot?: string,
 *   trustProxy?: boolean | number,
 *   agentConsoleOrigins?: string[],
 *   loginLimits?: Partial<import('./rate-limit.js').LoginLimits>,
 *   passwordChecks?: { concurrency?: number, queue?: number },
 *   publicUrl?: string,
 *   debugHooks?: boolean,
 *   rateLimits?: Partial<RateLimits>,
 *   limits?: Partial<import('./limits.js').Limits>,
 *   widgetDir?: string,
 *   metricsToken?: string,
 *   voiceEnv?: Record<string, string | undefined>,
 *   assistantEnv?: Record<string, string | undefined>,
 *   mailEnv?: Record<string, string | undefined>,
 *   assistantKbDelayMs?: number,
 * }} ServerOptions
 *   `dataDir`: uploaded files, the JWT secret when none is given, and the PGlite database (`pg/`)
 *   unless `databaseUrl` names a PostgreSQL server (`postgres://…`), reached through a pool of
 *   `databasePoolSize` connections (10).
 *   `limits`: connection, replay, typing, relink and upload-storage limits (limits.js, DEFAULT_LIMITS).
 *   `widgetDir`: where the built drop-in script is served from (default `dist/`).
 *   `identitySecrets`: tenant id → identity secret (from the environment); a tenant without one
 *   keeps the secret stored in the data directory, generated on its first start.
 *   `trustProxy`: the number of proxies in front of the server (true = 1): the client IP is the
 *   `X-Forwarded-For` entry that many from the right, the scheme likewise from `X-Forwarded-Proto`.
 *   `agentConsoleOrigins`: exact origins (besides this server's own) that may call the agent API
 *   from a browser (CORS); none by default.
 *   `loginLimits`: failed agent logins per account and per IP address before the lock, and its
 *   length (rate-limit.js, {@link DEFAULT_LOGIN_LIMITS}).
 *   `passwordChecks`: password hashes run at once (2) and waiting (32); more are answered 429.
 *   `publicUrl`: the origin clients reach this server at (file URLs are built on it); without it,
 *   the request's `Host` is used only when it is this server on a loopback name.
 *   `debugHooks`: enable `POST /api/debug/frames` (tests only).
 *   `metricsToken`: a bearer token that lets `GET /metrics` be read from anywhere; without it, only
 *   requests straight from the loopback interface may (routes/health.js).
 * @typedef {{ sessionsPerIp: number, sessionsPerVisitor: number, sendsPerIp: number, sendsPerSender: number, uploads: number }} RateLimits
 *   per minute; `uploads` counts per client IP (visitors) or per agent
 */

/**
 * The JWT secret kept in the data directory, created on first start, so tokens survive restarts.
 * @param {string} dataDir
 */
function persistentSecret(dataDir) {
  const file = join(dataDir, 'jwt-secret');
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/**
 * @typedef {Awaited<ReturnType<typeof assemble>>} App the parts of a running server
 */

/**
 * Opens the store, writes the tenants file into it, and builds the chat rules, the routes and the
 * WebSocket hubs (everything but the listening sockets, which {@link createServer} binds first).
 * @param {ServerOptions} options
 */
async function assemble(options) {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  mkdirSync(options.dataDir, { recursive: true });
  const store = await openStore({ dataDir: options.dataDir, databaseUrl: options.databaseUrl, poolSize: options.databasePoolSize });
  const hasher = new PasswordHasher(options.passwordChecks);
  const identitySecrets = options.identitySecrets ?? {};
  /** @type {BootstrapLogin[]} */
  let bootstrap;
  try {
    ({ bootstrap } = await seedTenants(store, options.tenants, { identitySecrets, hasher }));
  } catch (error) {
    await store.close();
    throw error;
  }

  const shutdownController = new AbortController();
  const secret = options.jwtSecret ?? persistentSecret(options.dataDir);
  const tokens = new TokenService({
    secret,
    sessionTtlSeconds: options.sessionTtlSeconds ?? 900,
    agentTtlSeconds: options.agentTtlSeconds ?? 8 * 3600,
  });
  const rates = { ...DEFAULT_RATE_LIMITS, ...options.rateLimits };
  const filesDir = join(options.dataDir, 'files');
  // On PostgreSQL every node of a cluster shares its hub with the others (cluster.js).
  const hub = options.databaseUrl ? new ClusterHub() : new MeteredHub();
  const chat = new ChatService(store, hub, rates.sendsPerSender, {
    // Agents see an HMAC of the visitor id (docs/security.md, "Visitor reference"), keyed apart.
    refKey: createHmac('sha256', secret).update('amoiq-visitor-ref').digest('base64url'),
    typingIntervalMs: options.limits?.typingIntervalMs,
  });
  const guards = createGuards({ store, chat, filesDir, limits: options.limits });
  // Phone callbacks: the provider from the environment (`voiceEnv`, else process.env; docs/voice.md).
  const voice = createVoiceService({
    chat,
    store,
    tenants: options.tenants,
    env: options.voiceEnv ?? process.env,
    publicUrl: options.publicUrl,
  });
  // Team name, reply time and texts per language from the tenants file (team.js; docs/protocol.md, "Team").
  const team = new TeamDirectory();
  team.setTenants(options.tenants);
  guards.uploads.start();
  const limits = {
    sessionsPerIp: new RateLimiter({ limit: rates.sessionsPerIp, what: 'new sessions from this address' }),
    sessionsPerVisitor: new RateLimiter({ limit: rates.sessionsPerVisitor, what: 'new sessions for this visitor' }),
    sendsPerIp: new RateLimiter({ limit: rates.sendsPerIp, what: 'messages from this address' }),
    uploads: new RateLimiter({ limit: rates.uploads, what: 'uploads' }),
  };
  /** @type {import('./routes/index.js').Deps} */
  const deps = {
    store,
    tokens,
    chat,
    shutdown: shutdownController.signal,
    limits,
    trustProxy: options.trustProxy === true ? 1 : typeof options.trustProxy === 'number' ? options.trustProxy : 0,
    hasher,
    loginGuard: new LoginGuard({ ...DEFAULT_LOGIN_LIMITS, ...options.loginLimits }),
    publicUrl: options.publicUrl ? new URL(options.publicUrl).origin : undefined,
    debugHooks: options.debugHooks === true,
    filesDir,
    guards,
    voice,
    team,
    // A key of its own (derived from the server secret) for the IP hashes kept with fingerprints.
    ipHashKey: createHmac('sha256', secret).update('amoiq-ip-hash').digest('base64url'),
  };
  // The assistant (issue 12): answers, handoff, the queue; transcripts by e-mail (SMTP_* variables).
  const assistant = new AssistantService({
    store,
    chat,
    tenants: options.tenants,
    env: options.assistantEnv ?? process.env,
    kbDelayMs: options.assistantKbDelayMs,
  });
  await assistant.start();
  const mailer = createMailer(options.mailEnv ?? process.env);
  deps.assistant = assistant;
  deps.mailer = mailer;
  shutdownController.signal.addEventListener('abort', () => {
    assistant.stop();
    mailer.close();
  });
  const cluster =
    hub instanceof ClusterHub && options.databaseUrl
      ? await startCluster({
          databaseUrl: options.databaseUrl,
          db: store.db,
          hub,
          limiters: { ...limits, sendsPerSender: chat.sends, ...guards.assistant },
          loginGuard: deps.loginGuard,
        }).catch(async (error) => {
          await store.close();
          throw new Error(`could not join the cluster (LISTEN on the database): ${error.message}`, { cause: error });
        })
      : null;
  const sockets = createSockets(deps);
  const consoleOrigins = (options.agentConsoleOrigins ?? []).map((origin) => new URL(origin).origin);
  /** Requests being handled; shutdown waits for them before closing the database. @type {Set<Promise<void>>} */
  const inflight = new Set();
  const metrics = createMetrics({ store, guards, hasher, inflight, hub });
  /** Set by {@link createServer}'s `drain()`: /readyz answers 503 from then on. */
  const state = { draining: false };
  /** @type {import('./routes/health.js').HealthDeps} */
  const health = { store, metrics, draining: () => state.draining, metricsToken: options.metricsToken };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handleRequest(req, res) {
    const url = requestUrl(req);
    metrics.timeRequest(req, res, () => routeName(req.method, url.pathname) ?? (url.pathname.startsWith('/api/') ? 'none' : 'page'));
    if (await routeHealth(req, res, url.pathname, health)) return;
    if (handleCors(req, res, url.pathname, consoleOrigins)) return;
    if (await routeApi({ req, res, url, deps })) return;
    if (
      url.pathname.startsWith('/api/') ||
      !(await serveStatic(req, res, { repoRoot, widgetDir: options.widgetDir, dataDir: options.dataDir }))
    ) {
      throw notFound(`No route for ${req.method} ${url.pathname}.`);
    }
  }

  /** @type {import('node:http').RequestListener} */
  const onRequest = (req, res) => {
    const work = handleRequest(req, res).catch((error) => {
      if (!(error instanceof ApiError)) console.error(`${req.method} ${req.url} failed`, error);
      sendError(res, error);
    });
    inflight.add(work);
    work.finally(() => inflight.delete(work));
  };

  return {
    store,
    chat,
    cluster,
    limiters: { ...limits, sendsPerSender: chat.sends, ...guards.assistant },
    guards,
    sockets,
    inflight,
    shutdownController,
    bootstrap,
    hasher,
    identitySecrets,
    onRequest,
    state,
    voice,
    team,
  };
}

/**
 * Starts the reference backend.
 *
 * The answer's `bootstrap` lists the agents that got a generated password on this start (show it
 * once: it is stored only as a hash); `reloadTenants` applies a changed tenants file without a
 * restart (main.js calls it on SIGHUP): what a restart would do, and open agent sockets of
 * revoked agents close with 4001.
 * @param {ServerOptions} options
 * @returns {Promise<{
 *   url: string, port: number, close: () => Promise<void>, bootstrap: BootstrapLogin[],
 *   identitySecret: (tenantId: string) => Promise<string | null>,
 *   openConnections: (key: string) => number,
 *   databaseStats: () => ReturnType<import('./store/sql.js').Database['stats']>,
 *   reloadTenants: (tenants: TenantConfig[]) => Promise<BootstrapLogin[]>,
 *   drain: (options?: { delayMs?: number }) => Promise<void>,
 *   rateCount: (limiter: string, key: string) => number,
 * }>}
 * @example
 * const server = await createServer({ port: 0, dataDir: '/tmp/amoiq', tenants: loadTenants('demo/server/tenants.json') });
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.close();
 */
export async function createServer(options) {
  // Bind first: a second server started on a busy port fails on EADDRINUSE here, before it has
  // opened or written the data directory or the database (PGlite must never be opened by two
  // processes). Requests and upgrades that arrive before the server is ready wait for it.
  /** @type {(app: App) => void} */
  let becomeReady = () => undefined;
  /** @type {(error: unknown) => void} */
  let failReady = () => undefined;
  /** @type {Promise<App>} */
  const ready = new Promise((resolveReady, rejectReady) => {
    becomeReady = resolveReady;
    failReady = rejectReady;
  });
  ready.catch(() => undefined);
  const servers = await listen(
    (server) => {
      server.on('request', (req, res) =>
        ready.then(
          (app) => app.onRequest(req, res),
          () => res.destroy(),
        ),
      );
      server.on('upgrade', (req, socket, head) =>
        ready.then(
          (app) => app.sockets.handleUpgrade(req, socket, head),
          () => socket.destroy(),
        ),
      );
      server.on('clientError', answerClientError);
    },
    options.port ?? 8787,
    options.host ?? 'localhost',
  );
  /** @type {App} */
  let app;
  try {
    app = await assemble(options);
  } catch (error) {
    failReady(error);
    for (const server of servers) {
      server.close();
      server.closeAllConnections();
    }
    throw error;
  }
  becomeReady(app);
  const { store, chat, cluster, guards, sockets, inflight, shutdownController, bootstrap, voice } = app;

  const port = /** @type {import('node:net').AddressInfo} */ (servers[0].address()).port;
  const host = options.host ?? 'localhost';
  const printable = host === 'localhost' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  /** @type {Promise<void> | undefined} */
  let closing;
  /** @type {() => Promise<void>} */
  const close = () => {
    closing ??= (async () => {
      app.state.draining = true;
      shutdownController.abort(); // long polls answer now
      guards.uploads.stop();
      voice?.close();
      chat.stop();
      sockets.close();
      for (const server of servers) {
        server.close();
        server.closeIdleConnections();
      }
      // Give in-flight requests (a message being stored) a moment to finish before the DB goes.
      await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 2000))]);
      for (const server of servers) server.closeAllConnections();
      await cluster?.close();
      await store.close();
    })();
    return closing;
  };

  return {
    url: `http://${printable.includes(':') ? `[${printable}]` : printable}:${port}`,
    port,
    bootstrap,
    // WebSockets and waiting long polls counted for `ip:<address>` or `sub:<tenant>:visitor:<id>`
    // (limits.js); tests wait on it instead of on time.
    openConnections: (key) => guards.connections.count(key),
    // Events a rate limiter counted for a key in its window, this node's and the cluster's (tests).
    rateCount: (limiter, key) => /** @type {Record<string, RateLimiter>} */ (app.limiters)[limiter]?.count(key) ?? 0,
    // The database's connections, waiting requests and statements sent (bench/store.bench.mjs).
    databaseStats: () => store.db.stats(),
    async identitySecret(tenantId) {
      return (await store.tenants.byId(tenantId))?.identitySecret ?? null;
    },
    async reloadTenants(tenants) {
      const result = await seedTenants(store, tenants, { identitySecrets: app.identitySecrets, hasher: app.hasher });
      voice.setTenants(tenants);
      app.team.setTenants(tenants);
      for (const agent of result.revoked) chat.hub.publish(agent.tenantId, null, { type: 'agent-revoked', agentId: agent.id });
      return result.bootstrap;
    },
    /**
     * Graceful stop (SIGTERM, main.js): /readyz turns 503 at once so the load balancer sends new
     * clients elsewhere; after `delayMs` (the balancer's check interval, so it has noticed) the
     * server closes as {@link close} does: it stops accepting, answers waiting long polls, closes
     * WebSockets with 1001 (the widget reconnects, through the balancer, to another node), lets
     * requests in flight finish their writes, and closes the database.
     */
    async drain({ delayMs = 0 } = {}) {
      app.state.draining = true;
      if (delayMs > 0) await new Promise((r) => setTimeout(r, delayMs));
      await close();
    },
    close,
  };
}
