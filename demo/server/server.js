// @ts-check
/**
 * Assembles the reference backend: database, tenants, tokens, HTTP routes, WebSocket hubs and
 * static files, listening on one port. `main.js` is the CLI around {@link createServer}.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer } from 'node:http';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PasswordHasher, TokenService, parsePasswordHash } from './auth.js';
import { ChatService } from './chat.js';
import { openDatabase } from './db.js';
import { ApiError, handleCors, notFound, sendError } from './http-util.js';
import { Hub } from './hub.js';
import { createGuards } from './limits.js';
import { DEFAULT_LOGIN_LIMITS, LoginGuard, RateLimiter } from './rate-limit.js';
import { apiRoutes } from './routes.js';
import { createSockets } from './sockets.js';
import { serveStatic } from './static.js';

/** Default rate limits, per minute: generous for people, tight enough to stop a flood. */
export const DEFAULT_RATE_LIMITS = { sessionsPerIp: 300, sessionsPerVisitor: 30, sendsPerIp: 600, sendsPerSender: 120, uploads: 60 };

/** Absolute path of the repository (two levels above this file). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/**
 * @typedef {{ id: string, email: string, name: string, passwordHash?: string }} TenantAgentConfig
 *   `passwordHash`: `scrypt$…` as printed by `node demo/server/main.js hash-password`; without it
 *   the agent gets a random password on its first start, printed once and stored only as a hash
 * @typedef {{
 *   id: string, name: string, apiKey: string, allowedOrigins: string[], keylessEmbed?: boolean,
 *   widget?: import('./db.js').WidgetSettings,
 *   agents?: TenantAgentConfig[],
 * }} TenantConfig
 *   No secret lives in the tenants file: identity secrets come from `identitySecrets` (the
 *   environment) or are generated into the data directory.
 * @typedef {{
 *   port?: number,
 *   host?: string,
 *   dataDir: string,
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
 * }} ServerOptions
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
 * @typedef {{ sessionsPerIp: number, sessionsPerVisitor: number, sendsPerIp: number, sendsPerSender: number, uploads: number }} RateLimits
 *   per minute; `uploads` counts per client IP (visitors) or per agent
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
 * @typedef {{ tenantId: string, agentId: string, email: string, password: string }} BootstrapLogin
 *   a generated first password, to be shown once
 */

/**
 * Writes the tenants file into the database: tenants and agents in it are created, updated and
 * enabled; those missing from it are disabled and their agents' tokens revoked. Identity secrets
 * come from `identitySecrets`, else stay as stored, else are generated. An agent's `passwordHash`
 * replaces the stored one only when the file's changed (which revokes its tokens); an agent new to
 * the database without one gets a random password, returned here to be printed once.
 * @param {import('./db.js').Database} db
 * @param {TenantConfig[]} tenants
 * @param {{ identitySecrets: Record<string, string>, hasher: PasswordHasher }} options
 * @returns {Promise<{ bootstrap: BootstrapLogin[], revoked: Array<{ id: string, tenantId: string }> }>}
 *   `revoked`: agents whose tokens no longer work (removed, or the password changed)
 */
async function seedTenants(db, tenants, { identitySecrets, hasher }) {
  const disabled = await db.disableMissing(
    tenants.map((t) => t.id),
    tenants.flatMap((t) => (t.agents ?? []).map((a) => a.id)),
  );
  /** @type {BootstrapLogin[]} */
  const bootstrap = [];
  const revoked = [...disabled.agents];
  for (const tenant of tenants) {
    const stored = await db.tenantById(tenant.id);
    await db.upsertTenant(
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
      const row = { id: agent.id, tenantId: tenant.id, email: agent.email, name: agent.name };
      const existing = await db.agentById(agent.id);
      let password = null;
      let passwordHash = agent.passwordHash ?? null;
      if (!passwordHash && !existing) {
        password = randomBytes(12).toString('base64url');
        passwordHash = await hasher.hash(password);
      }
      const result = await db.upsertAgent({ ...row, passwordHash, seedHash: agent.passwordHash ?? null });
      if (password) bootstrap.push({ tenantId: tenant.id, agentId: agent.id, email: agent.email, password });
      if (result.passwordChanged) revoked.push({ id: agent.id, tenantId: tenant.id });
    }
  }
  return { bootstrap, revoked };
}

/**
 * Listens on `port` at `host`. For the loopback name `localhost` it binds 127.0.0.1 and, when the
 * machine has it, ::1 on the same port, so `http://localhost:PORT` works whichever address the
 * browser resolves first, without exposing the demo to the network.
 * @param {(server: import('node:http').Server) => void} setup
 * @param {number} port
 * @param {string} host
 */
async function listen(setup, port, host) {
  const hosts = host === 'localhost' ? ['127.0.0.1', '::1'] : [host];
  /** @type {import('node:http').Server[]} */
  const servers = [];
  for (const [index, address] of hosts.entries()) {
    const server = createHttpServer();
    setup(server);
    const boundPort = index === 0 ? port : /** @type {import('node:net').AddressInfo} */ (servers[0].address()).port;
    try {
      await new Promise((resolveListen, rejectListen) => {
        server.once('error', rejectListen);
        server.listen(boundPort, address, () => {
          server.off('error', rejectListen);
          resolveListen(undefined);
        });
      });
      servers.push(server);
    } catch (error) {
      // The extra loopback (::1) is best effort; the first address must work.
      if (index === 0) throw error;
    }
  }
  return servers;
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
 *   reloadTenants: (tenants: TenantConfig[]) => Promise<BootstrapLogin[]>,
 * }>}
 * @example
 * const server = await createServer({ port: 0, dataDir: '/tmp/amoiq', tenants: loadTenants('demo/server/tenants.json') });
 * console.log(server.url); // http://127.0.0.1:40123
 * await server.close();
 */
export async function createServer(options) {
  const repoRoot = options.repoRoot ?? REPO_ROOT;
  mkdirSync(options.dataDir, { recursive: true });
  const db = await openDatabase(join(options.dataDir, 'pg'));
  const hasher = new PasswordHasher(options.passwordChecks);
  const identitySecrets = options.identitySecrets ?? {};
  /** @type {BootstrapLogin[]} */
  let bootstrap;
  try {
    ({ bootstrap } = await seedTenants(db, options.tenants, { identitySecrets, hasher }));
  } catch (error) {
    await db.close();
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
  const chat = new ChatService(db, new Hub(), rates.sendsPerSender, {
    // Agents see an HMAC of the visitor id (docs/security.md, "Visitor reference"), keyed apart.
    refKey: createHmac('sha256', secret).update('amoiq-visitor-ref').digest('base64url'),
    typingIntervalMs: options.limits?.typingIntervalMs,
  });
  const guards = createGuards({ db, chat, filesDir, limits: options.limits });
  guards.uploads.start();
  const limits = {
    sessionsPerIp: new RateLimiter({ limit: rates.sessionsPerIp, what: 'new sessions from this address' }),
    sessionsPerVisitor: new RateLimiter({ limit: rates.sessionsPerVisitor, what: 'new sessions for this visitor' }),
    sendsPerIp: new RateLimiter({ limit: rates.sendsPerIp, what: 'messages from this address' }),
    uploads: new RateLimiter({ limit: rates.uploads, what: 'uploads' }),
  };
  /** @type {import('./routes.js').Deps} */
  const deps = {
    db,
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
    // A key of its own (derived from the server secret) for the IP hashes kept with fingerprints.
    ipHashKey: createHmac('sha256', secret).update('amoiq-ip-hash').digest('base64url'),
  };
  const sockets = createSockets(deps);
  const consoleOrigins = (options.agentConsoleOrigins ?? []).map((origin) => new URL(origin).origin);
  /** Requests being handled; shutdown waits for them before closing the database. */
  const inflight = new Set();

  /** @type {import('node:http').RequestListener} */
  const onRequest = (req, res) => {
    const work = handleRequest(req, res).catch((error) => {
      if (!(error instanceof ApiError)) console.error(`${req.method} ${req.url} failed`, error);
      sendError(res, error);
    });
    inflight.add(work);
    work.finally(() => inflight.delete(work));
  };

  /**
   * @param {import('node:http').IncomingMessage} req
   * @param {import('node:http').ServerResponse} res
   */
  async function handleRequest(req, res) {
    // The origin-form target as sent: `//host/path` is a path with an empty segment here, not a
    // host (as `new URL(target, base)` would read it).
    const target = req.url ?? '/';
    let url;
    try {
      url = target.startsWith('/') ? new URL(`http://localhost${target}`) : new URL(target, 'http://localhost');
    } catch {
      throw new ApiError(400, 'bad_request', 'Malformed request target.');
    }
    if (handleCors(req, res, url.pathname, consoleOrigins)) return;
    const route = apiRoutes.find((r) => r.pattern.test(url.pathname) && (!r.debug || deps.debugHooks));
    if (route) {
      const handler = route.methods[req.method ?? 'GET'];
      if (!handler) {
        res.setHeader('Allow', [...Object.keys(route.methods), 'OPTIONS'].join(', '));
        throw new ApiError(405, 'method_not_allowed', `${req.method} is not allowed on ${url.pathname}.`);
      }
      const params = { ...(route.pattern.exec(url.pathname)?.groups ?? {}) };
      await handler({ req, res, url, params, deps });
      return;
    }
    if (url.pathname.startsWith('/api/') || !(await serveStatic(req, res, { repoRoot, widgetDir: options.widgetDir, dataDir: options.dataDir }))) {
      throw notFound(`No route for ${req.method} ${url.pathname}.`);
    }
  }

  let servers;
  try {
    servers = await listen(
      (server) => {
        server.on('request', onRequest);
        server.on('upgrade', sockets.handleUpgrade);
        // A request the HTTP parser refuses still gets the protocol's error body when the socket
        // can take one; a broken connection is the client's problem, not a reason to crash.
        server.on('clientError', (error, socket) => {
          const code = /** @type {{ code?: string }} */ (error).code;
          if (socket.writable && code !== 'ECONNRESET') {
            const tooLarge = code === 'HPE_HEADER_OVERFLOW';
            const body = JSON.stringify({
              error: tooLarge
                ? { code: 'payload_too_large', message: 'Request headers are too large.' }
                : { code: 'bad_request', message: 'Malformed HTTP request.' },
            });
            socket.end(
              `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json; charset=utf-8\r\n` +
                `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
            );
          } else {
            socket.destroy();
          }
        });
      },
      options.port ?? 8787,
      options.host ?? 'localhost',
    );
  } catch (error) {
    sockets.close();
    await db.close();
    throw error;
  }

  const port = /** @type {import('node:net').AddressInfo} */ (servers[0].address()).port;
  const host = options.host ?? 'localhost';
  const printable = host === 'localhost' || host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  let closing;
  return {
    url: `http://${printable.includes(':') ? `[${printable}]` : printable}:${port}`,
    port,
    bootstrap,
    async identitySecret(tenantId) {
      return (await db.tenantById(tenantId))?.identitySecret ?? null;
    },
    async reloadTenants(tenants) {
      const result = await seedTenants(db, tenants, { identitySecrets, hasher });
      for (const agent of result.revoked) chat.hub.publish(agent.tenantId, null, { type: 'agent-revoked', agentId: agent.id });
      return result.bootstrap;
    },
    close() {
      closing ??= (async () => {
        shutdownController.abort(); // long polls answer now
        guards.uploads.stop();
        chat.stop();
        sockets.close();
        for (const server of servers) {
          server.close();
          server.closeIdleConnections();
        }
        // Give in-flight requests (a message being stored) a moment to finish before the DB goes.
        await Promise.race([Promise.allSettled([...inflight]), new Promise((r) => setTimeout(r, 2000))]);
        for (const server of servers) server.closeAllConnections();
        await db.close();
      })();
      return closing;
    },
  };
}
